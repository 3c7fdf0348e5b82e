import type { SdkKeyScope } from '../core/sdk-key.js';
import { SwitchyardError } from '../core/errors.js';
import { readEpoch } from './database-epoch.js';
import type { StorageDeps } from './deps.js';
import type { Invalidation, SdkKeyRecord } from './redis-keys.js';
import { CHANGE_FEED_MAX_LENGTH, encodeFeedEntry } from './change-feed.js';

/**
 * Redis's copy of the SDK key table, the one evaluators read: what a key's record holds, how a
 * change of the table is written and announced, and the rebuild from Postgres. The key rows and
 * their create, revoke and rotate steps are in sdk-keys.ts.
 */

type Multi = ReturnType<StorageDeps['redis']['multi']>;

/**
 * Announces a change of the key table: a `sdk-keys` entry on the change feed
 * (docs/design.md#change-feed), carrying the epoch of the database that holds the change like
 * every other feed entry, and the legacy pub/sub message, kept for one release for readers older
 * than the feed (which know no epochs).
 */
function announceKeyChange(multi: Multi, keys: StorageDeps['keys'], epoch: string): void {
  multi.xadd(
    keys.changeFeed,
    'MAXLEN',
    '~',
    CHANGE_FEED_MAX_LENGTH,
    '*',
    ...encodeFeedEntry({ kind: 'sdk-keys', epoch }),
  );
  multi.publish(keys.invalidations, JSON.stringify({ kind: 'sdk-keys' } satisfies Invalidation));
}

/** The Redis writes of a key change and their announcement, in one MULTI: evaluators reload at once. */
export async function publishKeyChange(
  deps: StorageDeps,
  what: string,
  epoch: string,
  write: (multi: Multi) => void,
): Promise<void> {
  const multi = deps.redis.multi();
  write(multi);
  announceKeyChange(multi, deps.keys, epoch);
  try {
    const results = await multi.exec();
    const failed = results?.find(([error]) => error);
    if (!results || failed) throw failed?.[0] ?? new Error('transaction aborted');
  } catch (error) {
    // Postgres already holds the change (and its audit row): say what evaluators still see and how to repair.
    throw new SwitchyardError(
      `${what} is recorded in Postgres, but Redis could not be updated (${error instanceof Error ? error.message : String(error)}): ` +
        'evaluators keep their current key table until `switchyard publish` succeeds',
      'REDIS_UNAVAILABLE',
      503,
    );
  }
}

/** The key table entry evaluators hold for one row (never the hash). */
export const recordOf = (row: {
  id: string;
  name: string;
  env: string;
  scopes: string[];
  expires_at?: Date | null;
  allowed_origins?: string[];
}): SdkKeyRecord => ({
  id: row.id,
  env: row.env,
  scopes: row.scopes as SdkKeyScope[],
  name: row.name,
  ...(row.expires_at ? { expiresAt: row.expires_at.toISOString() } : {}),
  // Left out when empty: the records of keys without origins stay what they were.
  ...(row.allowed_origins?.length ? { origins: row.allowed_origins } : {}),
});

/**
 * Rebuilds Redis's key table from Postgres (boot, repair): exactly the keys that still work,
 * atomically, marked with the database's epoch (a table without the mark is incomplete).
 */
export async function syncSdkKeysToRedis(deps: StorageDeps): Promise<number> {
  const { rows } = await deps.pool.query<{
    id: string;
    name: string;
    env: string;
    scopes: SdkKeyScope[];
    key_hash: string;
    expires_at: Date | null;
    allowed_origins: string[];
  }>(
    'SELECT id, name, env, scopes, key_hash, expires_at, allowed_origins FROM sdk_keys WHERE revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())',
  );
  const epoch = await readEpoch(deps.pool);
  const multi = deps.redis.multi().del(deps.keys.sdkKeys).set(deps.keys.sdkKeysEpoch, epoch);
  for (const r of rows) multi.hset(deps.keys.sdkKeys, r.key_hash, JSON.stringify(recordOf(r)));
  announceKeyChange(multi, deps.keys, epoch);
  await multi.exec();
  return rows.length;
}
