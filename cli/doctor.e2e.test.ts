import { execFile } from 'node:child_process';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEvaluator, type RunningEvaluator } from '../evaluator/server.js';
import type { StorageDeps } from '../storage/deps.js';
import { createLogger } from '../storage/logger.js';
import { redisKeys } from '../storage/redis-keys.js';
import { syncSdkKeysToRedis } from '../storage/sdk-keys.js';
import { publishSnapshots } from '../storage/snapshot-publisher.js';
import { clearRedisPrefix, createTestDatabase, testRedisPrefix, type TestDatabase } from '../test/db.js';
import { within } from '../test/redis-fixture.js';
import { runDoctor } from './doctor.js';
import { parseSettings } from './settings.js';

const log = createLogger('silent');
const prefix = testRedisPrefix('doctor');
let db: TestDatabase;
let redis: Redis;
let deps: StorageDeps;
let evaluator: RunningEvaluator;

beforeAll(async () => {
  db = await createTestDatabase();
  redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: 2 });
  deps = { pool: db.pool, redis, keys: redisKeys(prefix), log };
  await publishSnapshots(deps);
  await syncSdkKeysToRedis(deps);
  const parsed = parseSettings({
    REDIS_PREFIX: prefix,
    EVALUATOR_PORT: '0',
    EVALUATOR_HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
  });
  if (!parsed.ok) throw new Error(parsed.message);
  evaluator = await startEvaluator(parsed.settings, { log });
  await within(5_000, async () => (await fetch(`${evaluator.url}/readyz`)).status === 200);
});
afterAll(async () => {
  await evaluator?.close();
  await clearRedisPrefix(redis, prefix);
  redis.disconnect();
  await db?.drop();
});

/** `switchyard doctor` as an operator runs it (asynchronously: the evaluator it asks lives in this process). */
function doctor(...args: string[]): Promise<{ status: number | null; out: string }> {
  return new Promise((resolve) => {
    execFile(
      'npx',
      ['tsx', 'cli/main.ts', 'doctor', ...args],
      {
        encoding: 'utf8',
        env: { ...process.env, DATABASE_URL: db.url, REDIS_PREFIX: prefix, LOG_LEVEL: 'silent', EVALUATOR_URLS: '' },
        timeout: 20_000,
      },
      (error, stdout, stderr) =>
        resolve({ status: error ? ((error as { code?: number }).code ?? null) : 0, out: `${stdout}${stderr}` }),
    );
  });
}

describe('switchyard doctor', () => {
  it('exits 0 and says in sync when Redis and the evaluator serve what Postgres holds', async () => {
    const { status, out } = await doctor('--evaluator', evaluator.url);
    expect(out).toContain('in sync');
    expect(out).toMatch(/production\s+v0 @\w{8}\s+v0 @\w{8}\s+v0 @\w{8}/);
    expect(status).toBe(0);
  });

  it('exits 1 with one line per problem, naming the environment that drifted and the evaluator that cannot be reached', async () => {
    await redis.set(deps.keys.snapshotVersion('staging'), '41');
    const { status, out } = await doctor('--evaluator', evaluator.url, '--evaluator', 'http://127.0.0.1:1');
    expect(status).toBe(1);
    expect(out).toContain('drift: staging: Redis holds version 41, Postgres 0');
    expect(out).toMatch(/drift: evaluator http:\/\/127\.0\.0\.1:1: unreachable/);
    expect(out).not.toMatch(/drift: (production|dev):/);

    await redis.del(deps.keys.sdkKeysEpoch);
    const report = await runDoctor(deps, []);
    expect(report.problems).toEqual([
      'staging: Redis holds version 41, Postgres 0',
      'SDK keys: Redis holds no complete key table (never synced, or lost)',
    ]);
  });
});
