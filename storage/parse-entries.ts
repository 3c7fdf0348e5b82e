import type { ConfigEntry } from '../core/model/config-entry.js';
import type { FlagDocument } from '../core/model/flag.js';
import { parseEntryField } from './change-feed.js';

/** Entries by kind, then key. */
export interface ByKind<Flag, Config> {
  flags: Record<string, Flag>;
  configs: Record<string, Config>;
}

/** Entry fields parsed, with the JSON each was parsed from (holders that serve entries keep the text, not the objects). */
export interface ParsedEntries extends ByKind<FlagDocument, ConfigEntry> {
  json: ByKind<string, string>;
}

/**
 * The one reading of entry fields (`flag:<key>` / `config:<key>` → JSON), for a snapshot's hash
 * and a delta's `set` alike. A field of a kind this version does not know is a newer publisher's:
 * not ours to serve, so skipped. A field that is not JSON makes the whole read unusable: the
 * answer is then the problem, prefixed by `where`.
 */
export function parseEntries(fields: Record<string, string>, where: string): ParsedEntries | string {
  const parsed: ParsedEntries = { flags: {}, configs: {}, json: { flags: {}, configs: {} } };
  for (const [field, json] of Object.entries(fields)) {
    const named = parseEntryField(field);
    if (!named) continue;
    let value: unknown;
    try {
      value = JSON.parse(json);
    } catch (error) {
      return `${where}: "${field}" is not valid JSON (${(error as Error).message})`;
    }
    if (named.kind === 'flag') {
      parsed.flags[named.key] = value as FlagDocument;
      parsed.json.flags[named.key] = json;
    } else {
      parsed.configs[named.key] = value as ConfigEntry;
      parsed.json.configs[named.key] = json;
    }
  }
  return parsed;
}

/** The keys that deleted fields name, by kind (fields of unknown kinds skipped, as when parsing). */
export function deletedKeys(fields: readonly string[]): { flags: string[]; configs: string[] } {
  const keys = { flags: [] as string[], configs: [] as string[] };
  for (const field of fields) {
    const named = parseEntryField(field);
    if (named) (named.kind === 'flag' ? keys.flags : keys.configs).push(named.key);
  }
  return keys;
}
