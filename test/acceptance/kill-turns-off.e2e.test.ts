import { parseTestCommand } from '../parse-command.js';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { importEntries } from '../../cli/import-command.js';
import { planChange, type PlannableCommand } from '../../core/change/plan/index.js';
import { createLogger } from '../../storage/logger.js';
import type { FlagDocument } from '../../core/model/flag.js';
import { parseSettings } from '../../cli/settings.js';
import { startEvaluator, type RunningEvaluator } from '../../evaluator/server.js';
import { applyChange } from '../../storage/apply-change.js';
import type { StorageDeps } from '../../storage/deps.js';
import { getFlag } from '../../storage/flags.js';
import { redisKeys } from '../../storage/redis-keys.js';
import { createSdkKey } from '../../storage/sdk-keys.js';
import { clearRedisPrefix, createTestDatabase, testRedisPrefix, type TestDatabase } from '../db.js';

/**
 * "A kill always turns the feature off", from the outside: the chat commands a user types are
 * planned and applied through the one apply function, and a running evaluator answers OFREP.
 */
const ENVIRONMENTS = ['dev', 'staging', 'production'];

let db: TestDatabase;
let redis: Redis;
let prefix: string;
let deps: StorageDeps;
let evaluator: RunningEvaluator;
let prodKey: string;

/** Plans `/flag <text>` against what is stored and applies it, waiting until the evaluator serves the new snapshot. */
async function chat(text: string): Promise<void> {
  const command = parseTestCommand('/flag', text) as PlannableCommand;
  const key = (command as { key: string }).key;
  const stored = await getFlag(db.pool, key);
  const plan = planChange(command, {
    current: stored?.document ?? null,
    version: stored?.version ?? 0,
    environments: ENVIRONMENTS,
    now: new Date(),
  });
  const applied = await applyChange(deps, {
    changeId: randomUUID(),
    actor: 'U_OPS',
    action: plan.action,
    target: plan.target!,
    expectedVersion: plan.expectedVersion,
    ...(plan.envs.length === 1 ? { environment: plan.envs[0] } : {}),
    ...(plan.tenant ? { tenant: plan.tenant } : {}),
    reason: text,
  });
  await expect
    .poll(() => evaluator.store.status().versions.production ?? 0, { timeout: 3_000 })
    .toBeGreaterThanOrEqual(applied.snapshots.production!);
}

async function ofrep(flagKey: string, context: Record<string, unknown>): Promise<Record<string, unknown>> {
  const response = await fetch(`${evaluator.url}/ofrep/v1/evaluate/flags/${encodeURIComponent(flagKey)}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${prodKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ context }),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

beforeAll(async () => {
  db = await createTestDatabase();
  prefix = testRedisPrefix('kill');
  redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: 2 });
  deps = { pool: db.pool, redis, keys: redisKeys(prefix), log: createLogger('silent') };
  const parsed = parseSettings({
    REDIS_PREFIX: prefix,
    EVALUATOR_PORT: '0',
    EVALUATOR_HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
  });
  if (!parsed.ok) throw new Error(parsed.message);
  evaluator = await startEvaluator(parsed.settings, { log: createLogger('silent') });
  await evaluator.loaded;
  prodKey = (await createSdkKey(deps, { env: 'production', scopes: ['flags'], name: 'kill-test', actor: 'test-setup' }))
    .key;
  await vi.waitFor(
    async () => {
      const response = await fetch(`${evaluator.url}/ofrep/v1/evaluate/flags/none`, {
        method: 'POST',
        headers: { authorization: `Bearer ${prodKey}` },
        body: '{}',
      });
      if (response.status === 401) throw new Error('SDK key not known to the evaluator yet');
    },
    { timeout: 3_000 },
  );
});

afterAll(async () => {
  await evaluator?.close();
  if (redis) await clearRedisPrefix(redis, prefix);
  redis?.disconnect();
  await db?.drop();
});

describe('a kill turns the feature off, as OFREP serves it', () => {
  it('an ops flag (default on) answers STATIC on, and false/off with reason DISABLED once killed in production', async () => {
    await chat('create ops-b --kind ops --owner sre --description "payments breaker"');
    expect(await ofrep('ops-b', { targetingKey: 'u1' })).toMatchObject({
      value: true,
      variant: 'on',
      reason: 'STATIC',
    });
    await chat('kill ops-b --env production --reason "prod kill"');
    expect(await ofrep('ops-b', { targetingKey: 'u1' })).toMatchObject({
      value: false,
      variant: 'off',
      reason: 'DISABLED',
    });
  });

  it('a tenant kill of an ops flag serves false/off with DISABLED to that tenant, and on to the others', async () => {
    await chat('create ops-t --kind ops --owner sre --description "search breaker"');
    await chat('kill ops-t --env production --tenant acme --reason "acme incident"');
    expect(await ofrep('ops-t', { targetingKey: 'u1', tenant: { id: 'acme' } })).toMatchObject({
      value: false,
      variant: 'off',
      reason: 'DISABLED',
    });
    // The tenant kill is something that varies the answer: the others get the default, not a STATIC one.
    expect(await ofrep('ops-t', { targetingKey: 'u1', tenant: { id: 'globex' } })).toMatchObject({
      value: true,
      variant: 'on',
      reason: 'DEFAULT',
    });
  });

  it('a string flag serves the off variation it was created with, not its default', async () => {
    await chat(
      'create ui.theme --kind ops --owner web --description "theme" --type string --variations plain=plain,bold=bold --default bold --off plain',
    );
    await chat('kill ui.theme --env production --reason "bold theme broke checkout"');
    expect(await ofrep('ui.theme', {})).toMatchObject({ value: 'plain', variant: 'plain', reason: 'DISABLED' });
  });

  it('import warns, naming the flag, when a non-boolean flag declares no offVariation, and its kill serves the default as the warning says', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'switchyard-import-'));
    try {
      const legacy: Partial<FlagDocument> = {
        key: 'legacy.banner',
        kind: 'ops',
        description: 'banner from before the off-variation rule',
        owner: 'web',
        default: 'none',
        variations: [
          { id: 'none', value: '' },
          { id: 'sale', value: 'spring-sale' },
        ],
      };
      await writeFile(join(dir, 'legacy.banner.json'), JSON.stringify(legacy));
      const report = await importEntries(deps, dir, { actor: 'cli:test' });
      expect(report.applied).toBe(1);
      expect(report.warnings).toContainEqual(
        expect.stringMatching(/^legacy\.banner: offVariation: .*a kill serves its default variation "none"/),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    await chat('kill legacy.banner --env production --reason "banner incident"');
    expect(await ofrep('legacy.banner', {})).toMatchObject({ value: '', variant: 'none', reason: 'DISABLED' });
  });
});
