import type { Redis } from 'ioredis';
import type { EnvSnapshot } from '../core/snapshot.js';
import { decodeFeedEntry, type FeedEntry } from './change-feed.js';
import { parseEntries, type ByKind } from './parse-entries.js';
import type { RedisKeys } from './redis-keys.js';

/**
 * What reading one environment's snapshot found. Redis being unreachable is thrown, not
 * returned: the caller keeps what it holds and tries again later.
 */
export type SnapshotRead =
  /** `json`: each entry's JSON as stored, for holders that keep entries as text (absent: serialise the parsed ones). */
  | { found: 'snapshot'; snapshot: EnvSnapshot; json?: ByKind<string, string> }
  /** Nothing published for the environment (or Redis lost it). */
  | { found: 'nothing' }
  /** Something is stored but cannot be served: an entry that is not JSON, or a version that is not a number. */
  | { found: 'unreadable'; problem: string };

/** What identifies a published snapshot: its version within the epoch (database identity) it came from. */
export interface SnapshotStamp {
  version: number;
  /** Undefined for a snapshot written without one (by hand, or by a publisher older than epochs). */
  epoch: string | undefined;
}

/** One record of the change feed: its stream id, and its entry (undefined when this code does not understand it: skipped). */
export interface FeedRecord {
  id: string;
  entry: FeedEntry | undefined;
}

/**
 * The one way to read what the snapshot publisher and the SDK key sync wrote to Redis
 * (docs/design.md#readers-of-the-change-feed). The evaluator's store and the provider's Redis
 * source both read through it, and nothing on a request path calls it: holders read in full on
 * start and after a gap, and otherwise follow the change feed.
 */
export interface SnapshotReader {
  /** The published version and epoch of each environment, in order (undefined: nothing published), in one round trip. */
  stamps(envs: readonly string[]): Promise<Array<SnapshotStamp | undefined>>;
  /** One environment's entries with their version, epoch and time, read consistently (one MULTI). */
  snapshot(env: string): Promise<SnapshotRead>;
  /** Every environment that has a published snapshot. */
  environments(): Promise<string[]>;
  /** The SDK key hash as stored, sha256(clear key) → JSON record (parsed by the evaluator's SdkKeyTable). */
  sdkKeys(): Promise<Record<string, string>>;
  /** The epoch of the last full sync of the key table; undefined when Redis lost it (or never had it). */
  sdkKeysEpoch(): Promise<string | undefined>;
  /** The id of the feed's last record, '0-0' when it is empty: read it before a full load, then follow from it. */
  feedTail(): Promise<string>;
  /** Up to `count` records after `afterId`, waiting up to `blockMs` for one when there are none (0 or absent: no wait). */
  readFeed(afterId: string, options: { count: number; blockMs?: number }): Promise<FeedRecord[]>;
}

export type ReaderConnection = Pick<Redis, 'get' | 'mget' | 'scan' | 'hgetall' | 'multi' | 'xrevrange' | 'xread'>;

type StreamReply = Array<[key: string, records: Array<[id: string, fields: string[]]>]> | null;

/**
 * Reads through `redis`; `blocking` is a connection of its own for the feed's blocking reads
 * (ioredis holds a connection while XREAD BLOCK waits); without it, only non-blocking reads work.
 */
export function redisSnapshotReader(
  redis: ReaderConnection,
  keys: RedisKeys,
  options: { blocking?: Pick<Redis, 'xread'> } = {},
): SnapshotReader {
  return {
    async stamps(envs) {
      if (envs.length === 0) return [];
      const raw = await redis.mget(envs.flatMap((env) => [keys.snapshotVersion(env), keys.snapshotEpoch(env)]));
      return envs.map((_env, i) => {
        const version = raw[2 * i];
        return version == null ? undefined : { version: Number(version), epoch: raw[2 * i + 1] || undefined };
      });
    },

    async snapshot(env) {
      // One MULTI: the publisher changes the hash and its stamps in one script, so they match.
      const replies = await redis
        .multi()
        .get(keys.snapshotVersion(env))
        .get(keys.snapshotEpoch(env))
        .get(keys.snapshotGeneratedAt(env))
        .hgetall(keys.entries(env))
        .exec();
      if (!replies) throw new Error(`reading the snapshot of ${env} was aborted`);
      for (const [error] of replies) if (error) throw error;
      const [version, epoch, generatedAt, hash] = replies.map(([, value]) => value) as [
        string | null,
        string | null,
        string | null,
        Record<string, string>,
      ];
      if (version == null) return { found: 'nothing' };
      if (!/^\d+$/.test(version))
        return {
          found: 'unreadable',
          problem: `the version of ${env} (${keys.snapshotVersion(env)}) is ${JSON.stringify(version)}, not a number`,
        };
      const entries = parseEntries(hash, keys.entries(env));
      if (typeof entries === 'string') return { found: 'unreadable', problem: entries };
      const snapshot: EnvSnapshot = {
        env,
        version: Number(version),
        generatedAt: generatedAt ?? new Date(0).toISOString(),
        flags: entries.flags,
        configs: entries.configs,
      };
      if (epoch) snapshot.epoch = epoch;
      return { found: 'snapshot', snapshot, json: entries.json };
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

    async feedTail() {
      const [last] = await redis.xrevrange(keys.changeFeed, '+', '-', 'COUNT', 1);
      return last?.[0] ?? '0-0';
    },

    async readFeed(afterId, { count, blockMs }) {
      if (blockMs && !options.blocking)
        throw new Error(
          'a blocking read of the change feed needs a connection of its own (redisSnapshotReader options.blocking)',
        );
      const reply = (
        blockMs
          ? await options.blocking!.xread('COUNT', count, 'BLOCK', blockMs, 'STREAMS', keys.changeFeed, afterId)
          : await redis.xread('COUNT', count, 'STREAMS', keys.changeFeed, afterId)
      ) as StreamReply;
      const records = reply?.[0]?.[1] ?? [];
      return records.map(([id, fields]) => ({ id, entry: decodeFeedEntry(fields) }));
    },
  };
}
