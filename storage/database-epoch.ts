import type { Queryable } from './db.js';

/**
 * The database's identity (table database_epoch, minted at migrate time). Snapshots and the SDK
 * key table in Redis carry it, so Redis data of another database is recognised and replaced.
 */
export async function readEpoch(db: Queryable): Promise<string> {
  const { rows } = await db.query<{ epoch: string }>('SELECT epoch::text AS epoch FROM database_epoch');
  if (!rows[0]) throw new Error('the database has no epoch row (table database_epoch): run `switchyard migrate`');
  return rows[0].epoch;
}

/**
 * Gives the database a new identity. Used when Redis holds a version of this epoch that Postgres
 * never reached: the database went back in time (restored from a backup, which carries the epoch
 * of the database it was taken from), and only a new epoch lets its changes outrank Redis's leftovers.
 */
export async function mintEpoch(db: Queryable): Promise<string> {
  const { rows } = await db.query<{ epoch: string }>(
    'UPDATE database_epoch SET epoch = gen_random_uuid(), minted_at = now() RETURNING epoch::text AS epoch',
  );
  if (!rows[0]) throw new Error('the database has no epoch row (table database_epoch): run `switchyard migrate`');
  return rows[0].epoch;
}
