import type { FlagDocument } from '../core/model/flag.js';
import type { Queryable } from './db.js';
import { entryAtVersion, entryHistory, latestVersion, listLatest, type EntryVersion } from './entry-versions.js';
import { flagForEnv } from './env-view.js';

export type FlagVersion = EntryVersion<FlagDocument>;

export const getFlag = (db: Queryable, key: string) => latestVersion<FlagDocument>(db, 'flag', key);
export const getFlagVersion = (db: Queryable, key: string, version: number) =>
  entryAtVersion<FlagDocument>(db, 'flag', key, version);
export const listFlags = (db: Queryable) => listLatest<FlagDocument>(db, 'flag');
/** Versions newest first, each with the change id that wrote it. */
export const flagHistory = (db: Queryable, key: string, limit?: number) =>
  entryHistory<FlagDocument>(db, 'flag', key, limit);

/** Every flag's latest document; with `env`, narrowed to that environment's state. */
export async function exportFlags(db: Queryable, options: { env?: string } = {}): Promise<FlagDocument[]> {
  const flags = (await listFlags(db)).map((v) => v.document);
  return options.env ? flags.map((f) => flagForEnv(f, options.env!)) : flags;
}
