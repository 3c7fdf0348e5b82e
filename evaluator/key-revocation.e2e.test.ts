import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileSnapshot } from '../core/engine/index.js';
import type { StorageDeps } from '../storage/deps.js';
import { createLogger } from '../storage/logger.js';
import { redisKeys } from '../storage/redis-keys.js';
import { sdkKeysLastUsed } from '../storage/sdk-key-list.js';
import { createSdkKey, revokeSdkKey, rotateSdkKey } from '../storage/sdk-keys.js';
import { clearRedisPrefix, createTestDatabase, testRedisPrefix, type TestDatabase } from '../test/db.js';
import { within } from '../test/redis-fixture.js';
import { createEvaluatorServer } from './server.js';
import { SnapshotStore } from './snapshot-store.js';

/**
 * Two evaluators, each with its own Redis connections and key table, against one database: what
 * `switchyard key revoke` and `key rotate` do must reach every running replica.
 */
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const log = createLogger('silent');
const prefix = testRedisPrefix('key-revocation');
const keys = redisKeys(prefix);

let db: TestDatabase;
let admin: Redis;
let deps: StorageDeps;
const connections: Redis[] = [];
const evaluators: Array<{ store: SnapshotStore; app: FastifyInstance }> = [];

async function startEvaluatorInProcess(): Promise<{ store: SnapshotStore; app: FastifyInstance }> {
  const redis = new Redis(REDIS_URL, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  const subscriber = new Redis(REDIS_URL, { autoResubscribe: false });
  connections.push(redis, subscriber);
  // No poll: only the announcement (or the key's own expiry) can change what a replica accepts.
  const store = new SnapshotStore({
    redis,
    subscriber,
    keys,
    compile: (s) => compileSnapshot(s),
    log,
    environments: ['production'],
    pollIntervalMs: 0,
    keyUsageFlushMs: 100,
  });
  await store.start();
  const app = createEvaluatorServer({ store, log });
  return { store, app };
}

/** The status one evaluator answers a bulk OFREP evaluation with this key: 200 when accepted, 401 when refused. */
async function statusOf(app: FastifyInstance, sdkKey: string): Promise<number> {
  const response = await app.inject({
    method: 'POST',
    url: '/ofrep/v1/evaluate/flags',
    headers: { authorization: `Bearer ${sdkKey}`, 'content-type': 'application/json' },
    payload: JSON.stringify({ context: { targetingKey: 'u1' } }),
  });
  return response.statusCode;
}

const everyEvaluator = async (sdkKey: string, status: number) =>
  (await Promise.all(evaluators.map(({ app }) => statusOf(app, sdkKey)))).every((s) => s === status);

beforeAll(async () => {
  db = await createTestDatabase();
  admin = new Redis(REDIS_URL);
  deps = { pool: db.pool, redis: admin, keys, log };
  evaluators.push(await startEvaluatorInProcess(), await startEvaluatorInProcess());
});

afterAll(async () => {
  for (const { app, store } of evaluators) {
    store.stop();
    await app.close();
  }
  for (const connection of connections) connection.disconnect();
  await clearRedisPrefix(admin, prefix);
  admin.disconnect();
  await db?.drop();
});

describe('SDK key revocation and rotation with two evaluators running', () => {
  it('a revoked key is refused by both evaluators within a second', async () => {
    const { key, record } = await createSdkKey(deps, {
      env: 'production',
      scopes: ['flags'],
      name: 'checkout',
      actor: 'cli:test',
    });
    await within(5_000, () => everyEvaluator(key, 200));

    const revokedAt = Date.now();
    await revokeSdkKey(deps, { id: record.id, actor: 'cli:test', reason: 'leaked in a build log' });
    await within(1_000, () => everyEvaluator(key, 401));
    expect(Date.now() - revokedAt).toBeLessThan(1_000);
  });

  it('a rotated key works alongside its successor during the grace period, then both evaluators refuse it without any publish', async () => {
    const old = await createSdkKey(deps, { env: 'production', scopes: ['flags'], name: 'web', actor: 'cli:test' });
    await within(5_000, () => everyEvaluator(old.key, 200));

    const rotated = await rotateSdkKey(deps, { id: old.record.id, actor: 'cli:test', graceMs: 1_000 });
    await within(1_000, () => everyEvaluator(rotated.key, 200));
    const endOfGrace = Date.parse(rotated.previous.expiresAt);
    expect(Date.now()).toBeLessThan(endOfGrace);
    expect(await everyEvaluator(old.key, 200)).toBe(true);

    // Both replicas stop listening: the end of the grace period must come from the expiry each holds.
    for (const { store } of evaluators) store.stop();
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, endOfGrace - Date.now()) + 50));
    expect(await everyEvaluator(old.key, 401)).toBe(true);
    expect(await everyEvaluator(rotated.key, 200)).toBe(true);
  });

  it('each evaluator records when a key was last used in Redis, in batches, where key list reads it', async () => {
    const { key, record } = await createSdkKey(deps, {
      env: 'production',
      scopes: ['flags'],
      name: 'batch',
      actor: 'cli:test',
    });
    const before = Date.now();
    // Stopped (no flush timer, no listener), so only an explicit flush writes; the table is reloaded by hand.
    for (const { store } of evaluators) {
      store.stop();
      await store.refresh();
    }
    expect(await statusOf(evaluators[0]!.app, key)).toBe(200);
    expect((await sdkKeysLastUsed(deps, [record.id]))?.has(record.id)).toBe(false);
    await evaluators[0]!.store.flushKeyUsage();
    const used = (await sdkKeysLastUsed(deps, [record.id]))!.get(record.id);
    expect(Date.parse(used!)).toBeGreaterThanOrEqual(before);
  });
});
