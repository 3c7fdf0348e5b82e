import type { StorageDeps } from './deps.js';
import { envKeys } from './redis-keys.js';

/** What Redis holds of one environment: its version and epoch stamps (null when absent) and whether its entries hash exists. */
export interface RedisEnvStamp {
  version: number | null;
  epoch: string | null;
  hasEntries: boolean;
}

/** What Postgres says the environment should be: its epoch, a version, and whether the database holds any entry at all. */
export interface EnvTruth {
  epoch: string;
  version: number;
  holdsEntries: boolean;
}

/**
 * How Redis's copy of one environment compares with Postgres (docs/design.md#redis-snapshot-cache).
 * `ahead` is told apart from the other stale states because what it means is the caller's to say:
 * against Postgres's own version it means the database went back in time, against the version
 * one change reached it only means later changes were published since.
 */
export type RedisEnvState =
  | { state: 'current' }
  | { state: 'missing' | 'entries missing' | 'other epoch' | 'behind' | 'ahead'; staleReason: string };

/**
 * The one rule for "is Redis's copy of this environment usable": checked in this order, a version
 * key that is missing, an entries hash that is missing while the database holds entries (Redis
 * keeps no empty hash, so an empty database legitimately has none), another epoch, then the
 * version within the epoch.
 */
export function redisEnvState(held: RedisEnvStamp, truth: EnvTruth): RedisEnvState {
  if (held.version === null) return { state: 'missing', staleReason: 'missing from redis' };
  if (!held.hasEntries && truth.holdsEntries)
    return { state: 'entries missing', staleReason: 'entries missing from redis' };
  if (held.epoch !== truth.epoch)
    return {
      state: 'other epoch',
      staleReason: `redis holds epoch ${held.epoch ?? '(none)'}, postgres is ${truth.epoch}`,
    };
  if (held.version < truth.version)
    return { state: 'behind', staleReason: `redis holds version ${held.version}, postgres ${truth.version}` };
  if (held.version > truth.version)
    return {
      state: 'ahead',
      staleReason: `redis holds version ${held.version} of this epoch, above postgres's ${truth.version}`,
    };
  return { state: 'current' };
}

/**
 * Redis's stamps of these environments, in their order, read in one MULTI so a version and the
 * hash beside it are seen at one moment (a publisher swaps them together).
 */
export async function readRedisEnvs(
  deps: Pick<StorageDeps, 'redis' | 'keys'>,
  envs: readonly string[],
): Promise<RedisEnvStamp[]> {
  if (!envs.length) return [];
  const keysOf = envs.map((env) => envKeys(deps.keys, env));
  const multi = deps.redis.multi().mget(keysOf.flatMap((k) => [k.version, k.epoch]));
  for (const k of keysOf) multi.exists(k.entries);
  const results = await multi.exec();
  if (!results) throw new Error('reading Redis for the environment stamps was aborted');
  const failed = results.find(([error]) => error);
  if (failed) throw failed[0]!;
  const stamps = results[0]![1] as Array<string | null>;
  return envs.map((_, i) => {
    const version = stamps[2 * i] ?? null;
    return {
      version: version === null ? null : Number(version),
      epoch: stamps[2 * i + 1] ?? null,
      hasEntries: results[1 + i]![1] !== 0,
    };
  });
}
