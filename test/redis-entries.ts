import type { Redis } from 'ioredis';
import type { ConfigEntry } from '../core/model/config-entry.js';
import type { FlagDocument } from '../core/model/flag.js';
import { decodeFeedEntry, parseEntryField, type FeedEntry } from '../storage/change-feed.js';
import type { RedisKeys } from '../storage/redis-keys.js';

/** What Redis serves for one environment, as the publisher left it: version and epoch keys, and the entries hash parsed. */
export interface ServedEntries {
  /** undefined when nothing was published for the environment (or Redis lost it). */
  version: number | undefined;
  epoch: string | undefined;
  flags: Record<string, FlagDocument>;
  configs: Record<string, ConfigEntry>;
}

/** Reads one environment's served state straight from Redis (tests of the publishing side). */
export async function readServedEntries(redis: Redis, keys: RedisKeys, env: string): Promise<ServedEntries> {
  const [[, version], [, epoch], [, hash]] = (await redis
    .multi()
    .get(keys.snapshotVersion(env))
    .get(keys.snapshotEpoch(env))
    .hgetall(keys.entries(env))
    .exec()) as [[unknown, string | null], [unknown, string | null], [unknown, Record<string, string>]];
  const served: ServedEntries = {
    version: version == null ? undefined : Number(version),
    epoch: epoch ?? undefined,
    flags: {},
    configs: {},
  };
  for (const [field, json] of Object.entries(hash)) {
    const entry = parseEntryField(field);
    if (entry?.kind === 'flag') served.flags[entry.key] = JSON.parse(json) as FlagDocument;
    else if (entry?.kind === 'config') served.configs[entry.key] = JSON.parse(json) as ConfigEntry;
  }
  return served;
}

/** The change feed's entries after stream id `after` (exclusive; '-' for all), decoded, with their ids. */
export async function readFeed(
  redis: Redis,
  keys: RedisKeys,
  after = '-',
): Promise<Array<{ id: string; entry: FeedEntry }>> {
  const records = await redis.xrange(keys.changeFeed, after === '-' ? '-' : `(${after}`, '+');
  return records.flatMap(([id, fields]) => {
    const entry = decodeFeedEntry(fields);
    return entry ? [{ id, entry }] : [];
  });
}

/** The id of the feed's newest entry ('0-0' when empty): read before an action, pass to readFeed after it. */
export async function feedHead(redis: Redis, keys: RedisKeys): Promise<string> {
  const [last] = await redis.xrevrange(keys.changeFeed, '+', '-', 'COUNT', 1);
  return last?.[0] ?? '0-0';
}
