import { randomUUID } from 'node:crypto';
import { mintEpoch, readEpoch } from './database-epoch.js';
import type { StorageDeps } from './deps.js';
import { readRedisEnvs, redisEnvState } from './redis-env-state.js';
import { syncSdkKeysToRedis } from './sdk-keys.js';
import { holdsEntries, publishSnapshots } from './snapshot-publisher.js';

/** What one repair pass found wrong in Redis and put right. */
export interface RepairReport {
  /** Postgres's epoch after the pass. */
  epoch: string;
  /** Environment → why its snapshot was republished. */
  republished: Record<string, string>;
  /** Why the SDK key table was re-synced, when it was. */
  sdkKeys?: string;
  /** True when the pass gave the database a new epoch (Redis held a version Postgres never reached). */
  mintedEpoch: boolean;
}

/**
 * Compares Redis with Postgres once and republishes what Redis lacks or holds outdated: each
 * environment's state (its version key or entries hash missing, of another epoch, or older: a
 * full write, docs/design.md#change-feed) and the SDK key table (no mark of a
 * full sync from this epoch, or fewer keys than work). Idempotent, and safe beside publishers:
 * every write goes through the same epoch-and-version guard.
 *
 * Redis is read before Postgres, so every version Redis shows was committed before Postgres is
 * read: a Redis version of this epoch above Postgres's means the database went back in time
 * (restored from a backup, which keeps the epoch of the database it was taken from). Then the
 * database gets a new epoch, and everything is republished under it.
 */
export async function repairRedisOnce(
  deps: StorageDeps,
  options: { inFlightGraceMs?: number } = {},
): Promise<RepairReport> {
  const { pool, redis, keys } = deps;
  const { rows: envRows } = await pool.query<{ name: string }>('SELECT name FROM environments ORDER BY position, name');
  const envs = envRows.map((r) => r.name);

  // Issued together, both before Postgres is read (see above).
  const [held, keyTable] = await Promise.all([
    readRedisEnvs(deps, envs),
    redis.multi().get(keys.sdkKeysEpoch).hlen(keys.sdkKeys).exec(),
  ]);
  if (!keyTable) throw new Error('reading Redis for the repair check was aborted');
  const failed = keyTable.find(([error]) => error);
  if (failed) throw failed[0]!;
  const keysEpoch = keyTable[0]![1] as string | null;
  const keyCount = keyTable[1]![1] as number;

  let epoch = await readEpoch(pool);
  const { rows } = await pool.query<{ name: string; snapshot_version: string }>(
    'SELECT name, snapshot_version FROM environments',
  );
  const pgVersions = new Map(rows.map((r) => [r.name, Number(r.snapshot_version)]));
  const { rows: live } = await pool.query<{ count: string }>(
    'SELECT count(*) AS count FROM sdk_keys WHERE revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())',
  );
  const liveKeys = Number(live[0]!.count);
  const hasEntries = await holdsEntries(pool);

  const republished: Record<string, string> = {};
  const behind = new Map<string, number>();
  let mintedEpoch = false;
  envs.forEach((env, i) => {
    const pgVersion = pgVersions.get(env);
    if (pgVersion === undefined) return; // removed between the two reads
    const found = redisEnvState(held[i]!, { epoch, version: pgVersion, holdsEntries: hasEntries });
    if (found.state === 'current') return;
    republished[env] =
      found.state === 'ahead' ? `${found.staleReason}: the database went back in time` : found.staleReason;
    if (found.state === 'behind') behind.set(env, pgVersion);
    if (found.state === 'ahead') mintedEpoch = true;
  });
  let sdkKeys: string | undefined;
  if (keysEpoch !== epoch)
    sdkKeys =
      keysEpoch === null
        ? 'key table missing from redis (no full sync mark)'
        : `key table synced from epoch ${keysEpoch}, postgres is ${epoch}`;
  else if (keyCount < liveKeys) sdkKeys = `redis holds ${keyCount} keys, postgres ${liveKeys} working ones`;

  if (behind.size && !mintedEpoch)
    await dropCaughtUp(deps, behind, republished, options.inFlightGraceMs ?? IN_FLIGHT_GRACE_MS);
  if (mintedEpoch) {
    const previous = epoch;
    epoch = await mintEpoch(pool);
    deps.log.warn(
      { previousEpoch: previous, epoch },
      'redis is ahead of postgres within one epoch (database restored?): minted a new epoch and republishing everything',
    );
    for (const env of envs) republished[env] ??= 'new epoch';
    sdkKeys ??= 'new epoch';
  }

  const toPublish = Object.keys(republished);
  if (toPublish.length) await publishSnapshots(deps, toPublish);
  if (sdkKeys) await syncSdkKeysToRedis(deps);
  if (toPublish.length || sdkKeys) deps.log.info({ republished, sdkKeys, epoch }, 'repaired redis from postgres');
  return { epoch, republished, ...(sdkKeys ? { sdkKeys } : {}), mintedEpoch };
}

/**
 * A change's own delta usually lands within milliseconds of its commit: an environment merely
 * behind is looked at again after a grace, and left alone when its publisher caught up. Without
 * it a pass that happens to run mid-publication would write the environment in full, and every
 * reader would reload it whole for nothing.
 */
const IN_FLIGHT_GRACE_MS = 1_000;

async function dropCaughtUp(
  deps: StorageDeps,
  behind: Map<string, number>,
  republished: Record<string, string>,
  graceMs: number,
): Promise<void> {
  if (graceMs <= 0) return;
  await new Promise((resolve) => setTimeout(resolve, graceMs));
  const envs = [...behind.keys()];
  const versions = await deps.redis.mget(envs.map((env) => deps.keys.snapshotVersion(env)));
  envs.forEach((env, i) => {
    if (versions[i] != null && Number(versions[i]) >= behind.get(env)!) delete republished[env];
  });
}

/** Takes the lease, or renews it when this holder has it; true while this process holds it. */
const RENEW_OR_ACQUIRE = `
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
if holder then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1`;

const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

export interface RedisRepairOptions {
  /** Time between passes, in ms (default 2 s): Redis restarted empty is served again within about that. */
  intervalMs?: number;
  /** How long the lease outlives a holder that stopped renewing it, in ms (default 10 s). */
  leaseMs?: number;
  /** After every pass that ran (tests). */
  repaired?(report: RepairReport): void;
}

export interface RedisRepair {
  /** Ends the loop after the pass under way, and frees the lease for another process. */
  stop(): Promise<void>;
}

/**
 * The repair loop: every `intervalMs`, the process holding the lease (a Redis key set NX with
 * an expiry, renewed each pass) runs repairRedisOnce. Several workers may run it; one repairs at
 * a time, and another takes over within `leaseMs` when that one dies. Losing Redis's data loses
 * the lease too, and then any of them may take it: a pass is idempotent, so two at once are harmless.
 */
export function startRedisRepair(deps: StorageDeps, options: RedisRepairOptions = {}): RedisRepair {
  const intervalMs = options.intervalMs ?? 2_000;
  const leaseMs = options.leaseMs ?? 10_000;
  const token = randomUUID();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let pass: Promise<void> = Promise.resolve();
  let failing = false;

  const runPass = async () => {
    try {
      const held = await deps.redis.eval(RENEW_OR_ACQUIRE, 1, deps.keys.repairLease, token, String(leaseMs));
      if (held === 1) {
        const report = await repairRedisOnce(deps);
        options.repaired?.(report);
      }
      if (failing) deps.log.info('redis repair check succeeded again');
      failing = false;
    } catch (error) {
      // Logged once per outage: the loop keeps trying, and a Redis outage is reported elsewhere.
      if (!failing) deps.log.warn({ err: error }, 'redis repair check failed; retrying');
      failing = true;
    }
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      pass = runPass().finally(schedule);
    }, intervalMs);
    timer.unref();
  };
  pass = runPass().finally(schedule);

  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await pass;
      await deps.redis.eval(RELEASE, 1, deps.keys.repairLease, token).catch(() => undefined);
    },
  };
}
