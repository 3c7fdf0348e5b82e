import { randomUUID } from 'node:crypto';
import { OpenFeature, type Client } from '@openfeature/server-sdk';
import { OFREPProvider } from '@openfeature/ofrep-provider';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { importEntries } from '../../cli/import-command.js';
import { createLogger } from '../../storage/logger.js';
import type { FlagDocument } from '../../core/model/flag.js';
import { parseSettings } from '../../cli/settings.js';
import { rolloutTo } from '../../core/operations/flag-operations.js';
import { startEvaluator, type RunningEvaluator } from '../../evaluator/server.js';
import { applyChange } from '../../storage/apply-change.js';
import type { StorageDeps } from '../../storage/deps.js';
import { getFlag } from '../../storage/flags.js';
import { redisKeys } from '../../storage/redis-keys.js';
import { createSdkKey } from '../../storage/sdk-keys.js';
import { clearRedisPrefix, createTestDatabase, testRedisPrefix, type TestDatabase } from '../db.js';

/**
 * The data plane's promise end to end, as the issue states it: the seed flag imported into
 * production through the CLI's import, served by a running evaluator, read by a real
 * OpenFeature client through the OFREP provider.
 */
const SEED = 'graph_search.v2.enable';
const SEED_FILE = new URL('../fixtures/seed-flag.json', import.meta.url).pathname;

let db: TestDatabase;
let redis: Redis;
let prefix: string;
let deps: StorageDeps;
let evaluator: RunningEvaluator;
let production: Client;
let dev: Client;

async function trueShare(client: Client, keys: string[]): Promise<Set<string>> {
  const on = new Set<string>();
  for (const key of keys) if (await client.getBooleanValue(SEED, false, { targetingKey: key })) on.add(key);
  return on;
}

beforeAll(async () => {
  db = await createTestDatabase();
  prefix = testRedisPrefix('acceptance');
  redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: 2 });
  const log = createLogger('silent');
  deps = { pool: db.pool, redis, keys: redisKeys(prefix), log };

  const report = await importEntries(deps, SEED_FILE, { env: 'production', actor: 'cli:acceptance' });
  expect(report.warnings.join('\n')).toMatch(/stale/);

  const parsed = parseSettings({
    REDIS_PREFIX: prefix,
    EVALUATOR_PORT: '0',
    EVALUATOR_HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
  });
  if (!parsed.ok) throw new Error(parsed.message);
  evaluator = await startEvaluator(parsed.settings, { log });
  await evaluator.loaded;

  const prodKey = (
    await createSdkKey(deps, { env: 'production', scopes: ['flags'], name: 'acceptance', actor: 'cli:acceptance' })
  ).key;
  const devKey = (
    await createSdkKey(deps, { env: 'dev', scopes: ['flags'], name: 'acceptance', actor: 'cli:acceptance' })
  ).key;
  // The evaluator learns of new keys through an invalidation; wait until both authenticate.
  for (const key of [prodKey, devKey]) {
    await vi.waitFor(
      async () => {
        const response = await fetch(`${evaluator.url}/ofrep/v1/evaluate/flags/${SEED}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}` },
          body: '{}',
        });
        if (response.status === 401) throw new Error('SDK key not known to the evaluator yet');
      },
      { timeout: 2_000 },
    );
  }
  const domain = randomUUID();
  await OpenFeature.setProviderAndWait(
    `${domain}-prod`,
    new OFREPProvider({ baseUrl: evaluator.url, headers: { Authorization: `Bearer ${prodKey}` } }),
  );
  await OpenFeature.setProviderAndWait(
    `${domain}-dev`,
    new OFREPProvider({ baseUrl: evaluator.url, headers: { Authorization: `Bearer ${devKey}` } }),
  );
  production = OpenFeature.getClient(`${domain}-prod`);
  dev = OpenFeature.getClient(`${domain}-dev`);
});

afterAll(async () => {
  await OpenFeature.close();
  await evaluator?.close();
  await clearRedisPrefix(redis, prefix);
  redis?.disconnect();
  await db?.drop();
});

describe('the seed flag imported into production, read through OpenFeature over OFREP', () => {
  it('serves the rust engine to a @companyos.io email', async () => {
    const details = await production.getBooleanDetails(SEED, false, {
      targetingKey: 'u-1',
      user: { email: 'ada@companyos.io' },
    });
    expect(details).toMatchObject({ value: true, variant: 'rust_engine', reason: 'TARGETING_MATCH' });
  });

  it('keeps an enterprise tenant on legacy', async () => {
    const details = await production.getBooleanDetails(SEED, true, {
      targetingKey: 'u-2',
      tenant: { tier: 'enterprise' },
    });
    expect(details).toMatchObject({ value: false, variant: 'legacy' });
  });

  it('rolls out to 25 % ± 1.5 % of 10,000 other keys, and raising to 50 % keeps every key that was in', async () => {
    const keys = Array.from({ length: 10_000 }, (_, i) => `user-${i}-${i * 7919}`);
    const at25 = await trueShare(production, keys);
    expect(Math.abs(at25.size / keys.length - 0.25)).toBeLessThanOrEqual(0.015);

    const stored = await getFlag(db.pool, SEED);
    const flag = stored!.document;
    const rules = flag.rules.map((rule) =>
      rule.priority === 3 ? { ...rule, action: { rollout: rolloutTo(flag, 'rust_engine', 50) } } : rule,
    );
    const raised: FlagDocument = { ...flag, rules };
    const applied = await applyChange(deps, {
      changeId: randomUUID(),
      actor: 'cli:acceptance',
      action: 'flag.rollout',
      target: { kind: 'flag', key: SEED, document: raised },
      expectedVersion: stored!.version,
      environment: 'production',
      reason: 'raise to 50 %',
    });
    await expect
      .poll(async () => evaluator.store.status().versions.production, { timeout: 2_000 })
      .toBeGreaterThanOrEqual(applied.snapshots.production!);

    const at50 = await trueShare(production, keys);
    expect(Math.abs(at50.size / keys.length - 0.5)).toBeLessThanOrEqual(0.015);
    const dropped = [...at25].filter((key) => !at50.has(key));
    expect(dropped).toEqual([]);
    // 20,000 evaluations over HTTP through the SDK: a correctness test, not a timed one, so a busy machine gets time.
  }, 120_000);

  it('serves the default false in dev, where the production rollout rule does not apply', async () => {
    const details = await dev.getBooleanDetails(SEED, true, { targetingKey: 'u-3' });
    expect(details).toMatchObject({ value: false, variant: 'legacy', reason: 'DEFAULT' });
  });
});
