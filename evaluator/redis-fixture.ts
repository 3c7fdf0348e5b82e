import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';
import { flagDocumentSchema, type FlagDocument, type FlagDocumentInput } from '../core/model/flag.js';
import type { EnvSnapshot } from '../core/snapshot.js';
import type { RedisKeys, SdkKeyRecord } from '../storage/redis-keys.js';
import { hashSdkKey } from './sdk-key-table.js';

/**
 * Writes Redis the way the storage layer does, for the evaluator's tests: the evaluator must
 * work from these keys alone, without Postgres.
 */

export function uniquePrefix(label: string): string {
  return `test-evaluator-${label}-${randomUUID().slice(0, 8)}`;
}

export function seedFlag(): FlagDocument {
  const raw = readFileSync(new URL('../test/fixtures/seed-flag.json', import.meta.url), 'utf8');
  return flagDocumentSchema.parse(JSON.parse(raw));
}

export function flag(input: FlagDocumentInput): FlagDocument {
  return flagDocumentSchema.parse(input);
}

export function snapshotOf(env: string, version: number, flags: FlagDocument[], configs: EnvSnapshot['configs'] = {}): EnvSnapshot {
  return { env, version, generatedAt: new Date().toISOString(), flags: Object.fromEntries(flags.map((f) => [f.key, f])), configs };
}

export async function writeSnapshot(redis: Redis, keys: RedisKeys, snapshot: EnvSnapshot, options: { publish?: boolean } = {}): Promise<void> {
  await redis
    .multi()
    .set(keys.snapshot(snapshot.env), JSON.stringify(snapshot))
    .set(keys.snapshotVersion(snapshot.env), String(snapshot.version))
    .exec();
  if (options.publish ?? true) {
    await redis.publish(keys.invalidations, JSON.stringify({ kind: 'snapshot', env: snapshot.env, version: snapshot.version }));
  }
}

/** Stores an SDK key and returns its clear text (what an application would be given). */
export async function writeSdkKey(redis: Redis, keys: RedisKeys, record: Omit<SdkKeyRecord, 'id' | 'name'>, options: { publish?: boolean } = {}): Promise<string> {
  const clear = `sy_${record.env}_${randomUUID().replaceAll('-', '')}`;
  const full: SdkKeyRecord = { id: randomUUID(), name: `${record.env} test key`, ...record };
  await redis.hset(keys.sdkKeys, hashSdkKey(clear), JSON.stringify(full));
  if (options.publish ?? true) await redis.publish(keys.invalidations, JSON.stringify({ kind: 'sdk-keys' }));
  return clear;
}

export async function deletePrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    if (found.length) await redis.del(...found);
    cursor = next;
  } while (cursor !== '0');
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
