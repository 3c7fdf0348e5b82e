import { CHANGE_FEED_MAX_LENGTH, encodeFeedEntry } from './change-feed.js';
import { readEpoch } from './database-epoch.js';
import type { StorageDeps } from './deps.js';
import type { EntryWrite } from './entry-write.js';
import { readRedisEnvs, redisEnvState } from './redis-env-state.js';
import { envKeys, type Invalidation } from './redis-keys.js';
import { publishSnapshots } from './snapshot-publisher.js';
import { entryField, servedEntry } from './touched-environments.js';

/** What one commit changed in one environment: its new version and the entries (hash field → JSON) it sets. */
export interface EnvDelta {
  env: string;
  epoch: string;
  version: number;
  set: Record<string, string>;
  del: string[];
}

/** How publishing a delta went for one environment. */
export type DeltaOutcome = 'delta' | 'already newer' | 'full write';

/**
 * Applies one environment's delta (docs/design.md#change-feed) only on top of exactly the version
 * before it, of the same epoch, with the hash present: then the fields are set, the version and
 * generatedAt moved, a `delta` entry appended to the feed and the legacy invalidation published
 * (kept for readers older than the feed, for one release), all in one step. Redis already at this
 * version or above, same epoch: nothing (a full write overtook it). Anything else is a gap.
 * KEYS: entries, version, epoch, generatedAt, change feed.
 * ARGV: epoch, version, generatedAt, feed max length, legacy channel, legacy message, n = number
 * of feed fields, the n feed fields, m = length of the field/value list, the m items, then the
 * fields to delete.
 * Returns 1 (applied), 0 (Redis already newer) or -1 (gap: write the environment in full).
 */
const APPLY_DELTA = `
local current = tonumber(redis.call('GET', KEYS[2]) or '-1')
local sameEpoch = (redis.call('GET', KEYS[3]) or '') == ARGV[1]
local incoming = tonumber(ARGV[2])
if sameEpoch and current >= incoming then return 0 end
if not sameEpoch or current ~= incoming - 1 or redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local feedFields = tonumber(ARGV[7])
local setStart = 9 + feedFields
local setEnd = setStart + tonumber(ARGV[8 + feedFields]) - 1
for i = setStart, setEnd, 2000 do
  redis.call('HSET', KEYS[1], unpack(ARGV, i, math.min(i + 1999, setEnd)))
end
for i = setEnd + 1, #ARGV, 2000 do
  redis.call('HDEL', KEYS[1], unpack(ARGV, i, math.min(i + 1999, #ARGV)))
end
redis.call('SET', KEYS[2], ARGV[2])
redis.call('SET', KEYS[4], ARGV[3])
redis.call('XADD', KEYS[5], 'MAXLEN', '~', ARGV[4], '*', unpack(ARGV, 8, 7 + feedFields))
redis.call('PUBLISH', ARGV[5], ARGV[6])
return 1`;

/**
 * The deltas of one commit: for each environment it bumped, the served entries of the writes that
 * touched it, built from the written documents alone (never by reading the other entries).
 */
export function deltasOf(writes: readonly EntryWrite[], bumped: Record<string, number>, epoch: string): EnvDelta[] {
  return Object.entries(bumped).map(([env, version]) => {
    const set: Record<string, string> = {};
    for (const write of writes) {
      if (!write.touched.includes(env)) continue;
      const { kind, key } = write.change.target;
      set[entryField(kind, key)] = JSON.stringify(servedEntry(kind, write.document, env));
    }
    return { env, epoch, version, set, del: [] };
  });
}

async function applyDelta(deps: StorageDeps, delta: EnvDelta): Promise<number> {
  const { redis, keys } = deps;
  const generatedAt = new Date().toISOString();
  const feed = encodeFeedEntry({
    kind: 'delta',
    env: delta.env,
    epoch: delta.epoch,
    from: delta.version - 1,
    version: delta.version,
    generatedAt,
    set: delta.set,
    del: delta.del,
  });
  const message: Invalidation = { kind: 'snapshot', env: delta.env, version: delta.version, epoch: delta.epoch };
  const pairs = Object.entries(delta.set).flat();
  const outcome = await redis.eval(
    APPLY_DELTA,
    5,
    ...envKeys(keys, delta.env).inScriptOrder,
    keys.changeFeed,
    delta.epoch,
    String(delta.version),
    generatedAt,
    String(CHANGE_FEED_MAX_LENGTH),
    keys.invalidations,
    JSON.stringify(message),
    String(feed.length),
    ...feed,
    String(pairs.length),
    ...pairs,
    ...delta.del,
  );
  return Number(outcome);
}

/**
 * Publishes a commit's deltas, one environment at a time atomically. An environment whose delta
 * finds a gap (Redis missed a publication, lost its data, or holds another epoch) is written in
 * full from Postgres instead, at whatever version Postgres holds by then: so of two publishers
 * finishing out of order, the later version writes in full and the earlier one then finds Redis
 * ahead and does nothing. Throws when Redis fails (the commit stands; see applyChange).
 */
export async function publishDeltas(
  deps: StorageDeps,
  deltas: readonly EnvDelta[],
): Promise<Record<string, DeltaOutcome>> {
  const outcomes = await Promise.all(deltas.map((delta) => applyDelta(deps, delta)));
  const result: Record<string, DeltaOutcome> = {};
  deltas.forEach(
    (delta, i) =>
      (result[delta.env] = outcomes[i] === 1 ? 'delta' : outcomes[i] === 0 ? 'already newer' : 'full write'),
  );
  const gaps = deltas.filter((_, i) => outcomes[i] === -1).map((d) => d.env);
  if (gaps.length) {
    deps.log.info(
      { envs: gaps },
      'redis missed a publication, lost its data or holds another epoch: writing these environments in full',
    );
    await publishSnapshots(deps, gaps);
  }
  return result;
}

/**
 * For a retried change (already applied): writes in full each environment Redis holds behind
 * the version the change reached, of another epoch, or not at all, so a retry also repairs a
 * Redis that missed the first publication. Environments already there cost one read.
 */
export async function republishBehind(deps: StorageDeps, snapshots: Record<string, number>): Promise<string[]> {
  const envs = Object.keys(snapshots);
  if (!envs.length) return [];
  const [held, epoch] = await Promise.all([readRedisEnvs(deps, envs), readEpoch(deps.pool)]);
  // The retried change wrote an entry, so the database holds one; Redis ahead of the version it
  // reached is later changes published since, nothing to repair.
  const behind = envs.filter((env, i) => {
    const { state } = redisEnvState(held[i]!, { epoch, version: snapshots[env]!, holdsEntries: true });
    return state !== 'current' && state !== 'ahead';
  });
  if (behind.length) await publishSnapshots(deps, behind);
  return behind;
}
