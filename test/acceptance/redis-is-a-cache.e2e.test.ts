import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { parseSettings } from '../../cli/settings.js';
import type { Change } from '../../core/change.js';
import type { FlagDocument } from '../../core/model/flag.js';
import { startEvaluator, type RunningEvaluator } from '../../evaluator/server.js';
import { applyChange } from '../../storage/apply-change.js';
import { readEpoch } from '../../storage/database-epoch.js';
import { createPool, type Pool } from '../../storage/db.js';
import type { StorageDeps } from '../../storage/deps.js';
import { createLogger } from '../../storage/logger.js';
import { migrate } from '../../storage/migrate.js';
import { redisKeys } from '../../storage/redis-keys.js';
import { startRedisRepair, type RedisRepair } from '../../storage/redis-repair.js';
import { createSdkKey } from '../../storage/sdk-keys.js';
import { clearRedisPrefix, createTestDatabase, testRedisPrefix, type TestDatabase } from '../db.js';
import { within } from '../redis-fixture.js';
import { killedIn } from '../snapshots.js';

/**
 * Redis is a cache and Postgres the truth (docs/design.md#redis-snapshot-cache): whatever Redis
 * loses, or holds from another database, the repair loop puts right from Postgres within seconds,
 * and an evaluator with nothing to serve says it is not ready instead of answering empty flags.
 * Wiping means deleting this file's prefix: other tests share this Redis.
 */
const SEED = 'graph_search.v2.enable';
const seed = JSON.parse(readFileSync(new URL('../fixtures/seed-flag.json', import.meta.url), 'utf8')) as FlagDocument;
const log = createLogger('silent');
const ada = { targetingKey: 'ada', user: { email: 'ada@companyos.io' } };

let db: TestDatabase;
let redis: Redis;
const databases: TestDatabase[] = [];
const running: Array<{ close(): Promise<void> }> = [];
const prefixes: string[] = [];

beforeAll(() => {
  redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: 2 });
});
afterEach(async () => {
  for (const thing of running.splice(0).reverse()) await thing.close();
});
afterAll(async () => {
  for (const prefix of prefixes) await clearRedisPrefix(redis, prefix);
  redis.disconnect();
  for (const database of databases) await database.drop();
});

/** A database and a Redis prefix of the test's own. */
async function storage(): Promise<StorageDeps> {
  db = await createTestDatabase();
  databases.push(db);
  return depsFor(db.pool);
}

function depsFor(pool: Pool): StorageDeps {
  const prefix = testRedisPrefix('redis-heals');
  prefixes.push(prefix);
  return { pool, redis, keys: redisKeys(prefix), log };
}

const change = (document: Partial<FlagDocument>, expectedVersion: number): Change => ({
  changeId: randomUUID(),
  actor: 'U_ALICE',
  action: expectedVersion === 0 ? 'flag.create' : 'flag.update',
  target: { kind: 'flag', key: SEED, document: { ...seed, ...document, key: SEED } as FlagDocument },
  expectedVersion,
  reason: 'testing',
});
const killedInProduction = (): Partial<FlagDocument> => ({ environments: killedIn('production').environments });

const prefixOf = (deps: StorageDeps) => deps.keys.snapshot('x').slice(0, -':snapshot:x'.length);

async function evaluator(deps: StorageDeps): Promise<RunningEvaluator> {
  const parsed = parseSettings({
    REDIS_PREFIX: prefixOf(deps),
    EVALUATOR_PORT: '0',
    EVALUATOR_HOST: '127.0.0.1',
    ENVIRONMENTS: 'dev,staging,production',
    LOG_LEVEL: 'silent',
  });
  if (!parsed.ok) throw new Error(parsed.message);
  const started = await startEvaluator(parsed.settings, { log });
  running.push(started);
  return started;
}

function repair(deps: StorageDeps): RedisRepair {
  const loop = startRedisRepair(deps, { intervalMs: 500 });
  running.push({ close: () => loop.stop() });
  return loop;
}

async function evaluate(on: RunningEvaluator, sdkKey: string) {
  const response = await fetch(`${on.url}/ofrep/v1/evaluate/flags/${SEED}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${sdkKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ context: ada }),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
}
const reasonServed = async (on: RunningEvaluator, sdkKey: string) => {
  const { status, body } = await evaluate(on, sdkKey);
  return status === 200 ? (body.reason as string) : `HTTP ${status}`;
};
const readyz = async (on: RunningEvaluator) => {
  const response = await fetch(`${on.url}/readyz`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

describe('Redis losing its data', () => {
  it('while an evaluator runs: the repair loop republishes snapshots and SDK keys within 5 s, and changes keep being served', async () => {
    const deps = await storage();
    await applyChange(deps, change({}, 0));
    const key = (await createSdkKey(deps, { env: 'production', scopes: ['flags'], name: 'heals', actor: 'test' })).key;
    repair(deps);
    const live = await evaluator(deps);
    await within(5_000, async () => (await reasonServed(live, key)) === 'TARGETING_MATCH');

    // No check that the keys are gone: the repair loop runs meanwhile and may already be writing them back.
    await clearRedisPrefix(redis, prefixOf(deps));
    // A key created right after the loss lands in a table that holds only it, and is announced:
    // the repair must bring the other keys back beside it.
    const later = (
      await createSdkKey(deps, { env: 'production', scopes: ['flags'], name: 'after the loss', actor: 'test' })
    ).key;

    const epoch = await readEpoch(db.pool);
    const healed = await within(5_000, async () => {
      const [version, stampedEpoch, keysEpoch] = await redis.mget(
        deps.keys.snapshotVersion('production'),
        deps.keys.snapshotEpoch('production'),
        deps.keys.sdkKeysEpoch,
      );
      return (
        version !== null && stampedEpoch === epoch && keysEpoch === epoch && (await redis.hlen(deps.keys.sdkKeys)) === 2
      );
    });
    expect(healed).toBeLessThan(5_000);
    await within(
      5_000,
      async () =>
        (await reasonServed(live, key)) === 'TARGETING_MATCH' &&
        (await reasonServed(live, later)) === 'TARGETING_MATCH',
    );

    await applyChange(deps, change(killedInProduction(), 1));
    await within(2_000, async () => (await reasonServed(live, key)) === 'DISABLED');
    expect((await readyz(live)).body).toMatchObject({ ready: true, degraded: false });
  });

  it('while no evaluator runs: one started meanwhile is not ready, then ready and serving once the repair loop has republished', async () => {
    const deps = await storage();
    await applyChange(deps, change({}, 0));
    const key = (await createSdkKey(deps, { env: 'production', scopes: ['flags'], name: 'cold start', actor: 'test' }))
      .key;
    await clearRedisPrefix(redis, prefixOf(deps));
    const cold = await evaluator(deps);
    await cold.loaded;
    const notReady = await readyz(cold);
    expect(notReady.status).toBe(503);
    expect(notReady.body).toMatchObject({ ready: false });
    expect(String(notReady.body.errorDetails)).toMatch(/no snapshot published in Redis for dev, production, staging/);
    expect(await (await fetch(`${cold.url}/metrics`)).text()).toContain('switchyard_evaluator_snapshot_loaded 0');

    repair(deps);
    const took = await within(5_000, async () => (await readyz(cold)).status === 200).catch(async (error: Error) => {
      throw new Error(`${error.message}: /readyz says ${JSON.stringify((await readyz(cold)).body)}`);
    });
    expect(took).toBeLessThan(5_000);
    expect(await reasonServed(cold, key)).toBe('TARGETING_MATCH');
    expect(await (await fetch(`${cold.url}/metrics`)).text()).toContain('switchyard_evaluator_snapshot_loaded 1');
  });
});

describe('Redis holding another database’s snapshots', () => {
  it('a database recreated from scratch (new epoch, version 1) below Redis’s version: its next change is served', async () => {
    const deps = await storage();
    await applyChange(deps, change({}, 0));
    await applyChange(deps, change({ description: 'second' }, 1));
    await applyChange(deps, change({ description: 'third' }, 2));
    const before = Number(await redis.get(deps.keys.snapshotVersion('production')));
    expect(before).toBeGreaterThanOrEqual(3);
    const live = await evaluator(deps);
    const oldKey = (await createSdkKey(deps, { env: 'production', scopes: ['flags'], name: 'old db', actor: 'test' }))
      .key;
    await within(5_000, async () => (await reasonServed(live, oldKey)) === 'TARGETING_MATCH');

    // A database migrated anew, not copied from the tests' template: its own epoch.
    const url = new URL(inject('testDatabaseAdminUrl'));
    const name = `switchyard_test_fresh_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
    url.pathname = `/${name}`;
    await migrate(url.toString());
    const fresh = createPool(url.toString(), { max: 4 });
    running.push({
      async close() {
        await fresh.end();
        const admin = new pg.Client({ connectionString: inject('testDatabaseAdminUrl') });
        await admin.connect();
        await admin
          .query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`)
          .finally(() => admin.end());
      },
    });
    expect(await readEpoch(fresh)).not.toBe(await readEpoch(db.pool));
    const recreated = { ...deps, pool: fresh };
    const newKey = (
      await createSdkKey(recreated, { env: 'production', scopes: ['flags'], name: 'new db', actor: 'test' })
    ).key;

    const applied = await applyChange(recreated, change(killedInProduction(), 0));
    expect(applied.snapshots.production).toBeLessThan(before);
    await within(3_000, async () => (await reasonServed(live, newKey)) === 'DISABLED');
    expect((await readyz(live)).body).toMatchObject({
      environments: { production: applied.snapshots.production },
      epochs: { production: await readEpoch(fresh) },
    });
  });

  it('a database restored from an older backup (same epoch, lower version): the repair loop gives it a new epoch and serves it', async () => {
    const deps = await storage();
    await applyChange(deps, change({}, 0));
    await applyChange(deps, change({ description: 'second' }, 1));
    const live = await evaluator(deps);
    const key = (await createSdkKey(deps, { env: 'production', scopes: ['flags'], name: 'backup', actor: 'test' })).key;
    await within(5_000, async () => (await reasonServed(live, key)) === 'TARGETING_MATCH');

    // Every test database is a copy of one template, so this one carries the same epoch at a lower
    // version: what restoring a backup taken before those changes looks like.
    const restored = await createTestDatabase();
    databases.push(restored);
    expect(await readEpoch(restored.pool)).toBe(await readEpoch(db.pool));
    const restoredDeps = { ...deps, pool: restored.pool };
    const restoredKey = (
      await createSdkKey(restoredDeps, { env: 'production', scopes: ['flags'], name: 'restored', actor: 'test' })
    ).key;
    await applyChange(restoredDeps, change(killedInProduction(), 0));
    // Without repair, the publisher alone cannot tell: Redis keeps the higher version. (The new
    // key reaches the evaluator through the feed a moment after it is created: wait for it.)
    await within(5_000, async () => (await reasonServed(live, restoredKey)) !== 'HTTP 401');
    expect(await reasonServed(live, restoredKey)).toBe('TARGETING_MATCH');

    repair(restoredDeps);
    await within(5_000, async () => (await reasonServed(live, restoredKey)) === 'DISABLED');
    expect(await readEpoch(restored.pool)).not.toBe(await readEpoch(db.pool));
    // The old database's key is gone with its table: the restored database's keys are the truth.
    await within(5_000, async () => (await evaluate(live, key)).status === 401);
  });
});
