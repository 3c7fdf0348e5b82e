import { createLogger } from '../storage/logger.js';
import { parseSettings } from '../cli/settings.js';
import { startEvaluator, type RunningEvaluator } from '../evaluator/server.js';
import { createSdkKey } from '../storage/sdk-keys.js';
import { eventually, type TemporalHarness } from './temporal.js';

export interface HarnessEvaluator {
  evaluator: RunningEvaluator;
  /** OFREP single-flag evaluation over HTTP with the environment's SDK key. */
  ofrep(
    env: string,
    flagKey: string,
    context: Record<string, unknown>,
  ): Promise<{ status: number; body: Record<string, unknown> }>;
  close(): Promise<void>;
}

/**
 * The evaluator as `switchyard evaluator` runs it, on the harness's Redis prefix, with a flags
 * key per environment: what workflow tests check "served" against.
 */
export async function startHarnessEvaluator(h: TemporalHarness, envs: string[]): Promise<HarnessEvaluator> {
  const log = createLogger('silent');
  const parsed = parseSettings({
    REDIS_PREFIX: h.redisPrefix,
    EVALUATOR_PORT: '0',
    EVALUATOR_HOST: '127.0.0.1',
    ENVIRONMENTS: 'dev,staging,production',
    LOG_LEVEL: 'silent',
  });
  if (!parsed.ok) throw new Error(parsed.message);
  const evaluator = await startEvaluator(parsed.settings, { log });
  await evaluator.loaded;
  const sdkKeys = new Map<string, string>();
  for (const env of envs) {
    sdkKeys.set(
      env,
      (
        await createSdkKey(
          { pool: h.db.pool, redis: h.redis, keys: h.keys, log },
          { env, scopes: ['flags'], name: `test-${env}`, actor: 'test-setup' },
        )
      ).key,
    );
  }
  const ofrep = async (env: string, flagKey: string, context: Record<string, unknown>) => {
    const response = await fetch(`${evaluator.url}/ofrep/v1/evaluate/flags/${encodeURIComponent(flagKey)}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sdkKeys.get(env)}`, 'content-type': 'application/json' },
      body: JSON.stringify({ context }),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
  };
  // New keys reach the evaluator through the change feed: wait until each authenticates.
  for (const env of envs)
    await eventually(
      async () => ((await ofrep(env, '__probe__', { targetingKey: 'probe' })).status !== 401 ? true : undefined),
      5_000,
      `the ${env} SDK key known to the evaluator`,
    );
  return { evaluator, ofrep, close: () => evaluator.close() };
}
