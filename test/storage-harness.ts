import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import type { StorageDeps } from '../storage/deps.js';
import { createLogger } from '../storage/logger.js';
import { redisKeys } from '../storage/redis-keys.js';
import { clearRedisPrefix, createTestDatabase, testRedisPrefix, type TestDatabase } from './db.js';

export interface StorageHarness {
  db: TestDatabase;
  redis: Redis;
  deps: StorageDeps;
  prefix: string;
}

/**
 * The storage tests' common ground, registered as the file's beforeAll/afterAll: a database of its
 * own (from the migrated template) and a Redis prefix of its own, both removed afterwards, so test
 * files run in parallel without seeing each other. `ready` receives them once they exist.
 */
export function useStorageHarness(name: string, ready: (harness: StorageHarness) => void): void {
  const prefix = testRedisPrefix(name);
  let harness: StorageHarness | undefined;
  beforeAll(async () => {
    const db = await createTestDatabase();
    const redis = new Redis('redis://127.0.0.1:6379');
    harness = {
      db,
      redis,
      prefix,
      deps: { pool: db.pool, redis, keys: redisKeys(prefix), log: createLogger('silent') },
    };
    ready(harness);
  });
  afterAll(async () => {
    if (!harness) return;
    await clearRedisPrefix(harness.redis, prefix);
    harness.redis.disconnect();
    await harness.db.drop();
  });
}
