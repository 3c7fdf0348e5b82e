import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { ConfigEntry } from '../core/model/config-entry.js';
import type { FlagDocument } from '../core/model/flag.js';
import type { EnvSnapshot } from '../core/snapshot.js';
import { configField, encodeFeedEntry, flagField, type FeedEntry } from '../storage/change-feed.js';
import type { RedisKeys, SdkKeyRecord } from '../storage/redis-keys.js';
import { hashSdkKey } from '../core/sdk-key.js';

/**
 * Plants data-plane keys in Redis directly, for tests of the readers (evaluator, provider) that
 * must work from these keys alone, without Postgres. It writes what the change feed's contract
 * says a publisher writes (storage/redis-keys.ts, storage/change-feed.ts), but skips the
 * publisher's checks and can leave the feed entry out, so a test can stage what a missed
 * publication, a trimmed feed or a Redis restored from a file looks like.
 */

/** The epoch planted snapshots get when they name none: deltas only follow a snapshot of a known epoch. */
export const FIXTURE_EPOCH = 'fixture-epoch';

function appendToFeed(redis: Redis, keys: RedisKeys, entry: FeedEntry): Promise<string | null> {
  return redis.xadd(keys.changeFeed, 'MAXLEN', '~', '10000', '*', ...encodeFeedEntry(entry));
}

/** A full write of one environment (hash replaced, version, epoch, time) and its `full` feed entry unless `announce: false`. */
export async function plantSnapshot(
  redis: Redis,
  keys: RedisKeys,
  snapshot: EnvSnapshot,
  options: { announce?: boolean } = {},
): Promise<void> {
  const { env } = snapshot;
  const epoch = snapshot.epoch ?? FIXTURE_EPOCH;
  const fields = [
    ...Object.entries(snapshot.flags ?? {}).flatMap(([key, flag]) => [flagField(key), JSON.stringify(flag)]),
    ...Object.entries(snapshot.configs ?? {}).flatMap(([key, entry]) => [configField(key), JSON.stringify(entry)]),
  ];
  const multi = redis.multi().del(keys.entries(env), keys.snapshot(env));
  if (fields.length) multi.hset(keys.entries(env), ...fields);
  await multi
    .set(keys.snapshotVersion(env), String(snapshot.version))
    .set(keys.snapshotEpoch(env), epoch)
    .set(keys.snapshotGeneratedAt(env), snapshot.generatedAt)
    .exec();
  if (options.announce ?? true)
    await appendToFeed(redis, keys, { kind: 'full', env, epoch, version: snapshot.version });
}

export interface PlantedChanges {
  flags?: FlagDocument[];
  deleteFlags?: string[];
  configs?: ConfigEntry[];
  deleteConfigs?: string[];
}

/**
 * A delta of one environment: the changed hash fields, the next version, and a `delta` feed entry
 * (unless `announce: false`: a publication the feed lost). `from` defaults to the version Redis
 * holds and `version` to `from + 1`; returns the version written.
 */
export async function plantDelta(
  redis: Redis,
  keys: RedisKeys,
  env: string,
  changes: PlantedChanges,
  options: { announce?: boolean; from?: number; version?: number; epoch?: string } = {},
): Promise<number> {
  const [held, heldEpoch] = await redis.mget(keys.snapshotVersion(env), keys.snapshotEpoch(env));
  const from = options.from ?? Number(held ?? 0);
  const version = options.version ?? from + 1;
  const epoch = options.epoch ?? heldEpoch ?? FIXTURE_EPOCH;
  const set: Record<string, string> = {};
  for (const flag of changes.flags ?? []) set[flagField(flag.key)] = JSON.stringify(flag);
  for (const entry of changes.configs ?? []) set[configField(entry.key)] = JSON.stringify(entry);
  const del = [...(changes.deleteFlags ?? []).map(flagField), ...(changes.deleteConfigs ?? []).map(configField)];
  const generatedAt = new Date().toISOString();
  const multi = redis.multi();
  if (Object.keys(set).length) multi.hset(keys.entries(env), set);
  if (del.length) multi.hdel(keys.entries(env), ...del);
  await multi
    .set(keys.snapshotVersion(env), String(version))
    .set(keys.snapshotEpoch(env), epoch)
    .set(keys.snapshotGeneratedAt(env), generatedAt)
    .exec();
  if (options.announce ?? true)
    await appendToFeed(redis, keys, { kind: 'delta', env, epoch, from, version, generatedAt, set, del });
  return version;
}

/** Announces a change of the SDK key table on the feed. */
export async function announceSdkKeys(redis: Redis, keys: RedisKeys): Promise<void> {
  await appendToFeed(redis, keys, { kind: 'sdk-keys' });
}

/** Trims the feed to its last `length` records, as XADD's MAXLEN does to a reader far behind. */
export async function trimFeed(redis: Redis, keys: RedisKeys, length: number): Promise<void> {
  await redis.xtrim(keys.changeFeed, 'MAXLEN', length);
}

/** Plants an SDK key and returns its clear text (what an application would be given). */
export async function plantSdkKey(
  redis: Redis,
  keys: RedisKeys,
  record: Omit<SdkKeyRecord, 'id' | 'name'>,
  options: { announce?: boolean } = {},
): Promise<string> {
  const clear = `sy_${record.env}_${randomUUID().replaceAll('-', '')}`;
  const full: SdkKeyRecord = { id: randomUUID(), name: `${record.env} test key`, ...record };
  await redis.hset(keys.sdkKeys, hashSdkKey(clear), JSON.stringify(full));
  if (options.announce ?? true) await announceSdkKeys(redis, keys);
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
