import type { ConfigEntry } from '../core/model/config-entry.js';
import type { Queryable } from './db.js';
import { entryAtVersion, entryHistory, latestVersion, listLatest, type EntryVersion } from './entry-versions.js';
import { configForEnv } from './env-view.js';

export type ConfigVersion = EntryVersion<ConfigEntry>;

export const getConfig = (db: Queryable, key: string) => latestVersion<ConfigEntry>(db, 'config', key);
export const getConfigVersion = (db: Queryable, key: string, version: number) =>
  entryAtVersion<ConfigEntry>(db, 'config', key, version);
export const listConfigs = (db: Queryable) => listLatest<ConfigEntry>(db, 'config');
/** Versions newest first, each with the change id that wrote it. */
export const configHistory = (db: Queryable, key: string, limit?: number) =>
  entryHistory<ConfigEntry>(db, 'config', key, limit);

/** Every entry's latest document; with `env`, only the scopes that apply there. Secrets stay encrypted envelopes. */
export async function exportConfigs(db: Queryable, options: { env?: string } = {}): Promise<ConfigEntry[]> {
  const entries = (await listConfigs(db)).map((v) => v.document);
  return options.env ? entries.map((e) => configForEnv(e, options.env!)) : entries;
}
