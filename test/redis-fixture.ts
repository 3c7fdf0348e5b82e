import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { EnvSnapshot } from '../core/snapshot.js';
import type { RedisKeys, SdkKeyRecord } from '../storage/redis-keys.js';
import { hashSdkKey } from '../core/sdk-key.js';

/**
 * Plants data-plane keys in Redis directly, for tests of the readers (evaluator, provider) that
 * must work from these keys alone, without Postgres. Unlike the publisher (storage's
 * writeSnapshot), planting skips the newer-than check and can leave the announcement out, so a
 * test can stage what a lost invalidation or a Redis restored from a file looks like.
 */

export async function plantSnapshot(redis: Redis, keys: RedisKeys, snapshot: EnvSnapshot, options: { announce?: boolean } = {}): Promise<void> {
  await redis
    .multi()
    .set(keys.snapshot(snapshot.env), JSON.stringify(snapshot))
    .set(keys.snapshotVersion(snapshot.env), String(snapshot.version))
    .exec();
  if (options.announce ?? true) {
    await redis.publish(keys.invalidations, JSON.stringify({ kind: 'snapshot', env: snapshot.env, version: snapshot.version }));
  }
}

/** Plants an SDK key and returns its clear text (what an application would be given). */
export async function plantSdkKey(redis: Redis, keys: RedisKeys, record: Omit<SdkKeyRecord, 'id' | 'name'>, options: { announce?: boolean } = {}): Promise<string> {
  const clear = `sy_${record.env}_${randomUUID().replaceAll('-', '')}`;
  const full: SdkKeyRecord = { id: randomUUID(), name: `${record.env} test key`, ...record };
  await redis.hset(keys.sdkKeys, hashSdkKey(clear), JSON.stringify(full));
  if (options.announce ?? true) await redis.publish(keys.invalidations, JSON.stringify({ kind: 'sdk-keys' }));
  return clear;
}

/** Polls until `check` passes or the deadline; returns the milliseconds it took. */
export async function within(ms: number, check: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await check()) return Date.now() - started;
    if (Date.now() - started > ms) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
