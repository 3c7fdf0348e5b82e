import type { ConfigEntry } from '../core/model/config-entry.js';
import type { FlagDocument } from '../core/model/flag.js';
import type { EnvSnapshot } from '../core/snapshot.js';
import { NotFoundError } from '../core/errors.js';
import type { Pool } from './db.js';
import type { StorageDeps } from './deps.js';
import { readEpoch } from './database-epoch.js';
import { listLatest } from './entry-versions.js';
import { configForEnv, flagForEnv } from './env-view.js';
import type { Invalidation } from './redis-keys.js';

/**
 * Replaces the stored snapshot only with a newer one of the same epoch, atomically: two
 * publishers racing (two applies finishing in either order, a repair run) can never leave an
 * older snapshot behind. A snapshot of another epoch (another database: recreated, or restored
 * from a backup) is replaced whatever its version, so Redis's leftovers never outrank Postgres.
 * A missing snapshot body is rewritten even at the same version (Redis evicted or lost it).
 * KEYS: snapshot, version, epoch. ARGV: version, JSON, force ('1' overwrites anything), epoch
 * ('' for a snapshot without one: then it competes by version with others without one).
 * Returns 0 (kept Redis's), 1 (written) or 2 (written over another epoch's snapshot).
 */
const WRITE_IF_NEWER = `
local current = tonumber(redis.call('GET', KEYS[2]) or '-1')
local currentEpoch = redis.call('GET', KEYS[3]) or ''
local incoming = tonumber(ARGV[1])
local sameEpoch = currentEpoch == ARGV[4]
if ARGV[3] ~= '1' and sameEpoch and incoming <= current and redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
redis.call('SET', KEYS[2], ARGV[1])
if ARGV[4] == '' then redis.call('DEL', KEYS[3]) else redis.call('SET', KEYS[3], ARGV[4]) end
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
    if (unknown.length) throw new NotFoundError(`environment ${unknown.join(', ')} unknown: must be one of ${rows.map((r) => r.name).join(', ')}`);
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

export async function buildSnapshot(pool: Pool, env: string): Promise<EnvSnapshot> {
  const [snapshot] = await buildSnapshots(pool, [env]);
  return snapshot!;
}

/** Writes one snapshot if it is newer than Redis's, then announces it. Returns whether it was written. */
export async function writeSnapshot(deps: Omit<StorageDeps, 'pool'>, snapshot: EnvSnapshot, options: { force?: boolean } = {}): Promise<boolean> {
  const { redis, keys } = deps;
  const written = await redis.eval(
    WRITE_IF_NEWER,
    3,
    keys.snapshot(snapshot.env),
    keys.snapshotVersion(snapshot.env),
    keys.snapshotEpoch(snapshot.env),
    String(snapshot.version),
    JSON.stringify(snapshot),
    options.force ? '1' : '0',
    snapshot.epoch ?? '',
  );
  if (written === 0) return false;
  if (written === 2) {
    deps.log.warn({ env: snapshot.env, epoch: snapshot.epoch, version: snapshot.version }, "replaced another database's snapshot in redis (the database was recreated or restored)");
  }
  const message: Invalidation = { kind: 'snapshot', env: snapshot.env, version: snapshot.version, ...(snapshot.epoch ? { epoch: snapshot.epoch } : {}) };
  await redis.publish(keys.invalidations, JSON.stringify(message));
  return true;
}

/**
 * Rebuilds the current snapshots (all environments unless named) and writes those newer than
 * Redis's (or of another epoch). Used after every change, by the repair loop, and by the CLI to
 * repair Redis (`force` overwrites even a higher version of the same epoch). Throws when Redis fails.
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
