import type { Queryable } from './db.js';

export type EntryKind = 'flag' | 'config';

/** Every kind, in the order writers and readers walk them (a secret is a config entry). */
export const ENTRY_KINDS = ['flag', 'config'] as const satisfies readonly EntryKind[];

/**
 * The table holding each kind's versions: the one place a kind becomes a table name, so SQL never
 * interpolates anything taken from input.
 */
export const ENTRY_TABLE: Readonly<Record<EntryKind, string>> = { flag: 'flag_versions', config: 'config_versions' };

/** One stored version of a flag or config entry. */
export interface EntryVersion<D> {
  key: string;
  version: number;
  document: D;
  action: string;
  changeId: string;
  createdBy: string;
  createdAt: string;
}

function toVersion<D>(r: Record<string, unknown>): EntryVersion<D> {
  return {
    key: r.key as string,
    version: Number(r.version),
    document: r.document as D,
    action: r.action as string,
    changeId: r.change_id as string,
    createdBy: r.created_by as string,
    createdAt: (r.created_at as Date).toISOString(),
  };
}

export async function latestVersion<D>(
  db: Queryable,
  kind: EntryKind,
  key: string,
): Promise<EntryVersion<D> | undefined> {
  const { rows } = await db.query(`SELECT * FROM ${ENTRY_TABLE[kind]} WHERE key = $1 ORDER BY version DESC LIMIT 1`, [
    key,
  ]);
  return rows[0] ? toVersion<D>(rows[0]) : undefined;
}

/** The latest version of every entry of a kind, by key. */
export async function listLatest<D>(db: Queryable, kind: EntryKind): Promise<Array<EntryVersion<D>>> {
  const { rows } = await db.query(`SELECT DISTINCT ON (key) * FROM ${ENTRY_TABLE[kind]} ORDER BY key, version DESC`);
  return rows.map((r) => toVersion<D>(r));
}

/** Versions of one entry, newest first. */
export async function entryHistory<D>(
  db: Queryable,
  kind: EntryKind,
  key: string,
  limit = 20,
): Promise<Array<EntryVersion<D>>> {
  const { rows } = await db.query(`SELECT * FROM ${ENTRY_TABLE[kind]} WHERE key = $1 ORDER BY version DESC LIMIT $2`, [
    key,
    limit,
  ]);
  return rows.map((r) => toVersion<D>(r));
}

/** One specific version (e.g. to revert to it). */
export async function entryAtVersion<D>(
  db: Queryable,
  kind: EntryKind,
  key: string,
  version: number,
): Promise<EntryVersion<D> | undefined> {
  const { rows } = await db.query(`SELECT * FROM ${ENTRY_TABLE[kind]} WHERE key = $1 AND version = $2`, [key, version]);
  return rows[0] ? toVersion<D>(rows[0]) : undefined;
}

export async function insertVersion(
  db: Queryable,
  kind: EntryKind,
  row: { key: string; version: number; document: unknown; action: string; changeId: string; createdBy: string },
): Promise<void> {
  await db.query(
    `INSERT INTO ${ENTRY_TABLE[kind]} (key, version, document, action, change_id, created_by) VALUES ($1, $2, $3, $4, $5, $6)`,
    [row.key, row.version, JSON.stringify(row.document), row.action, row.changeId, row.createdBy],
  );
}
