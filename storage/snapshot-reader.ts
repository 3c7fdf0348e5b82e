import type { Redis } from 'ioredis';
import { parseSnapshot } from '../core/parse-snapshot.js';
import type { EnvSnapshot } from '../core/snapshot.js';
import type { RedisKeys } from './redis-keys.js';

/**
 * What reading one environment's snapshot found. Redis being unreachable is thrown, not
 * returned: the caller keeps what it holds and tries again later.
 */
export type SnapshotRead =
  | { found: 'snapshot'; snapshot: EnvSnapshot }
  /** Nothing published for the environment (or Redis lost it). */
  | { found: 'nothing' }
  /** Something is stored but cannot be served: not JSON, no version, or another environment's. */
  | { found: 'unreadable'; problem: string };

/**
 * The one way to read what the snapshot publisher and the SDK key sync wrote to Redis. The
 * evaluator's store and the provider's Redis source both read through it, and nothing on a
 * request path calls it: holders read on start, on an invalidation, after a reconnect and on a
 * slow poll, and serve from memory.
 *
 * An interface rather than a function set so that a reader backed by a versioned change feed
 * (per-entry deltas, epochs) can replace this whole-snapshot one without touching the holders.
 */
/** What identifies a published snapshot: its version within the epoch (database identity) it came from. */
export interface SnapshotStamp {
  version: number;
  /** Undefined for a snapshot written without one (by hand, or by a publisher older than epochs). */
  epoch: string | undefined;
}

export interface SnapshotReader {
  /** The published version of each environment, in order (undefined: nothing published), in one round trip. */
  versions(envs: readonly string[]): Promise<Array<number | undefined>>;
  /** The published version and epoch of each environment, in order (undefined: nothing published), in one round trip. */
  stamps(envs: readonly string[]): Promise<Array<SnapshotStamp | undefined>>;
  snapshot(env: string): Promise<SnapshotRead>;
  /** Every environment that has a published snapshot. */
  environments(): Promise<string[]>;
  /** The SDK key hash as stored, sha256(clear key) → JSON record (parsed by the evaluator's SdkKeyTable). */
  sdkKeys(): Promise<Record<string, string>>;
  /** The epoch of the last full sync of the key table; undefined when Redis lost it (or never had it). */
  sdkKeysEpoch(): Promise<string | undefined>;
}

export type ReaderConnection = Pick<Redis, 'get' | 'mget' | 'scan' | 'hgetall'>;

export function redisSnapshotReader(redis: ReaderConnection, keys: RedisKeys): SnapshotReader {
  return {
    async versions(envs) {
      if (envs.length === 0) return [];
      const raw = await redis.mget(envs.map((env) => keys.snapshotVersion(env)));
      return raw.map((value) => (value == null ? undefined : Number(value)));
    },

    async stamps(envs) {
      if (envs.length === 0) return [];
      const raw = await redis.mget(envs.flatMap((env) => [keys.snapshotVersion(env), keys.snapshotEpoch(env)]));
      return envs.map((_env, i) => {
        const version = raw[2 * i];
        return version == null ? undefined : { version: Number(version), epoch: raw[2 * i + 1] ?? undefined };
      });
    },

    async snapshot(env) {
      const json = await redis.get(keys.snapshot(env));
      if (json == null) return { found: 'nothing' };
      let snapshot: EnvSnapshot;
      try {
        snapshot = parseSnapshot(json, `redis ${keys.snapshot(env)}`);
      } catch (error) {
        return { found: 'unreadable', problem: (error as Error).message };
      }
      if (snapshot.env !== env) return { found: 'unreadable', problem: `the snapshot stored for "${env}" says it is for "${snapshot.env}"` };
      return { found: 'snapshot', snapshot };
    },

    async environments() {
      const pattern = keys.snapshotVersion('*');
      const prefixLength = pattern.length - 1;
      const found = new Set<string>();
      let cursor = '0';
      do {
        const [next, batch] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
        for (const key of batch) found.add(key.slice(prefixLength));
        cursor = next;
      } while (cursor !== '0');
      return [...found];
    },

    sdkKeys() {
      return redis.hgetall(keys.sdkKeys);
    },

    async sdkKeysEpoch() {
      return (await redis.get(keys.sdkKeysEpoch)) ?? undefined;
    },
  };
}
