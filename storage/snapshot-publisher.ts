import type { ConfigEntry } from '../core/model/config-entry.js';
import type { FlagDocument } from '../core/model/flag.js';
import type { EnvSnapshot } from '../core/snapshot.js';
import { NotFoundError } from '../core/errors.js';
import type { Pool, Queryable } from './db.js';
import type { StorageDeps } from './deps.js';
import { readEpoch } from './database-epoch.js';
import { ENTRY_KINDS, ENTRY_TABLE, listLatest } from './entry-versions.js';
import { configForEnv, flagForEnv } from './env-view.js';
import { envKeys, type Invalidation } from './redis-keys.js';
import { CHANGE_FEED_MAX_LENGTH, configField, encodeFeedEntry, flagField } from './change-feed.js';

/**
 * Replaces an environment's entries hash whole (docs/design.md#change-feed), only with a newer
 * version of the same epoch: two publishers racing (applies finishing in either order, a repair
 * run) can never leave an older state behind. Another epoch's state (another database: recreated,
 * or restored from a backup) is replaced whatever its version, so Redis's leftovers never outrank
 * Postgres. A hash Redis lost is rewritten even at the same version. In the same step: the
 * legacy whole-snapshot key is deleted, a `full` entry goes to the change feed and the legacy
 * invalidation is published (kept for readers older than the feed, for one release).
 * KEYS: entries, version, epoch, generatedAt, legacy snapshot, change feed.
 * ARGV: version, epoch ('' for a snapshot without one), generatedAt, force ('1' overwrites
 * anything), feed max length, legacy channel, legacy message, n = number of feed fields, the n
 * feed fields, then the hash's field/value pairs.
 * Returns 0 (kept Redis's), 1 (written) or 2 (written over another epoch's state).
 */
const WRITE_FULL_IF_NEWER = `
local current = tonumber(redis.call('GET', KEYS[2]) or '-1')
local currentEpoch = redis.call('GET', KEYS[3]) or ''
local incoming = tonumber(ARGV[1])
local sameEpoch = currentEpoch == ARGV[2]
local feedFields = tonumber(ARGV[8])
local firstPair = 9 + feedFields
if ARGV[4] ~= '1' and sameEpoch then
  if incoming < current then return 0 end
  if incoming == current and (redis.call('EXISTS', KEYS[1]) == 1 or #ARGV < firstPair) then return 0 end
end
redis.call('DEL', KEYS[1])
for i = firstPair, #ARGV, 2000 do
  redis.call('HSET', KEYS[1], unpack(ARGV, i, math.min(i + 1999, #ARGV)))
end
redis.call('SET', KEYS[2], ARGV[1])
if ARGV[2] == '' then redis.call('DEL', KEYS[3]) else redis.call('SET', KEYS[3], ARGV[2]) end
redis.call('SET', KEYS[4], ARGV[3])
redis.call('DEL', KEYS[5])
redis.call('XADD', KEYS[6], 'MAXLEN', '~', ARGV[5], '*', unpack(ARGV, 9, 8 + feedFields))
redis.call('PUBLISH', ARGV[6], ARGV[7])
if not sameEpoch and current >= 0 and currentEpoch ~= '' then return 2 end
return 1`;

/**
 * The snapshots of several environments as of one consistent moment: a REPEATABLE READ
 * transaction, so each snapshot's version matches exactly the changes it contains.
 * Secrets go in as their sealed envelopes only: the evaluator decrypts them for /v1/secrets and
 * never serves them on /v1/config or in /v1/snapshot.
 */
export async function buildSnapshots(pool: Pool, envs?: string[]): Promise<EnvSnapshot[]> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const { rows } = await client.query<{ name: string; snapshot_version: string | number }>(
      'SELECT name, snapshot_version FROM environments ORDER BY position, name',
    );
    const wanted = envs ?? rows.map((r) => r.name);
    const unknown = wanted.filter((e) => !rows.some((r) => r.name === e));
    if (unknown.length)
      throw new NotFoundError(
        `environment ${unknown.join(', ')} unknown: must be one of ${rows.map((r) => r.name).join(', ')}`,
      );
    const flags = await listLatest<FlagDocument>(client, 'flag');
    const configs = await listLatest<ConfigEntry>(client, 'config');
    // Read in the same transaction: a snapshot never pairs one epoch's versions with another's.
    const epoch = await readEpoch(client);
    await client.query('COMMIT');
    const generatedAt = new Date().toISOString();
    return wanted.map((env) => ({
      env,
      version: Number(rows.find((r) => r.name === env)!.snapshot_version),
      epoch,
      generatedAt,
      flags: Object.fromEntries(flags.map((f) => [f.key, flagForEnv(f.document, env)])),
      configs: Object.fromEntries(configs.map((c) => [c.key, configForEnv(c.document, env)])),
    }));
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/**
 * Whether the database holds any entry. Redis keeps no empty hash, so an environment's entries
 * hash may be missing only while this is false (the repair loop and doctor ask before calling it lost).
 */
export async function holdsEntries(db: Queryable): Promise<boolean> {
  const any = ENTRY_KINDS.map((kind) => `EXISTS (SELECT 1 FROM ${ENTRY_TABLE[kind]})`).join(' OR ');
  const { rows } = await db.query<{ some: boolean }>(`SELECT ${any} AS some`);
  return rows[0]!.some;
}

export async function buildSnapshot(pool: Pool, env: string): Promise<EnvSnapshot> {
  const [snapshot] = await buildSnapshots(pool, [env]);
  return snapshot!;
}

/** The entries hash of a snapshot as field/value pairs, flat, as HSET takes them. */
function entryPairs(snapshot: EnvSnapshot): string[] {
  const pairs: string[] = [];
  for (const [key, flag] of Object.entries(snapshot.flags)) pairs.push(flagField(key), JSON.stringify(flag));
  for (const [key, config] of Object.entries(snapshot.configs)) pairs.push(configField(key), JSON.stringify(config));
  return pairs;
}

/**
 * Writes one environment's whole state if it is newer than Redis's (or of another epoch, or
 * Redis lost it), and announces it on the feed. Returns whether it was written.
 */
export async function writeSnapshot(
  deps: Omit<StorageDeps, 'pool'>,
  snapshot: EnvSnapshot,
  options: { force?: boolean } = {},
): Promise<boolean> {
  const { redis, keys } = deps;
  const epoch = snapshot.epoch ?? '';
  const feed = encodeFeedEntry({ kind: 'full', env: snapshot.env, epoch, version: snapshot.version });
  const message: Invalidation = {
    kind: 'snapshot',
    env: snapshot.env,
    version: snapshot.version,
    ...(snapshot.epoch ? { epoch: snapshot.epoch } : {}),
  };
  const written = await redis.eval(
    WRITE_FULL_IF_NEWER,
    6,
    ...envKeys(keys, snapshot.env).inScriptOrder,
    keys.snapshot(snapshot.env),
    keys.changeFeed,
    String(snapshot.version),
    epoch,
    snapshot.generatedAt,
    options.force ? '1' : '0',
    String(CHANGE_FEED_MAX_LENGTH),
    keys.invalidations,
    JSON.stringify(message),
    String(feed.length),
    ...feed,
    ...entryPairs(snapshot),
  );
  if (written === 0) return false;
  if (written === 2) {
    deps.log.warn(
      { env: snapshot.env, epoch: snapshot.epoch, version: snapshot.version },
      "replaced another database's snapshot in redis (the database was recreated or restored)",
    );
  }
  return true;
}

/**
 * The full-write path: rebuilds the current state of the environments (all unless named) from
 * Postgres and writes those newer than Redis's (or of another epoch, or lost). Used when a
 * change's delta finds a gap, by the repair loop, at boot, and by `switchyard publish` (`force`
 * overwrites even a higher version of the same epoch). Throws when Redis fails.
 */
export async function publishSnapshots(
  deps: StorageDeps,
  envs?: string[],
  options: { force?: boolean } = {},
): Promise<Record<string, { version: number; written: boolean }>> {
  const snapshots = await buildSnapshots(deps.pool, envs);
  const result: Record<string, { version: number; written: boolean }> = {};
  for (const snapshot of snapshots) {
    result[snapshot.env] = { version: snapshot.version, written: await writeSnapshot(deps, snapshot, options) };
  }
  deps.log.debug({ snapshots: result }, 'snapshots published');
  return result;
}
