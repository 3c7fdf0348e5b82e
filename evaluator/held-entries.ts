import type { EntryChanges } from '../core/engine/compile-delta.js';
import type { ConfigEntry } from '../core/model/config-entry.js';
import type { EnvSnapshot } from '../core/snapshot.js';
import type { ByKind } from '../storage/parse-entries.js';
import { PackedEntries } from './packed-entries.js';

/** What names a held snapshot: everything of an EnvSnapshot but its entries. */
export type SnapshotHeader = Omit<EnvSnapshot, 'flags' | 'configs'>;

/** One environment's entries as the evaluator keeps them for the routes that serve entries. */
export interface HeldEntries {
  /** Every flag's JSON as stored (what `/v1/snapshot` serves), packed. */
  flags: PackedEntries;
  /** The config entries that are not secrets, likewise. */
  configs: PackedEntries;
  /** Config entries that are secrets, by key (sealed envelopes, few): never served on /v1/config nor /v1/snapshot. */
  secrets: ReadonlyMap<string, ConfigEntry>;
}

const NONE: HeldEntries = { flags: PackedEntries.EMPTY, configs: PackedEntries.EMPTY, secrets: new Map() };

/** `[key, JSON]` of each entry: the text as read when there is one, else the entry serialised (none for an absent one, as JSON would leave it out). */
function texts(entries: Record<string, unknown>, json: Record<string, string> | undefined): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const [key, value] of Object.entries(entries)) {
    const text = json?.[key] ?? (JSON.stringify(value) as string | undefined);
    if (text !== undefined) out.push([key, text]);
  }
  return out;
}

/** `held` after `changes`: new packs that share every bucket the changes do not touch (`held` stays as it was). */
export function changedEntries(held: HeldEntries, changes: EntryChanges, json?: ByKind<string, string>): HeldEntries {
  const flags = held.flags.with(texts(changes.flags.set, json?.flags), changes.flags.del);
  const secrets = new Map(held.secrets);
  const plain: Record<string, ConfigEntry> = {};
  const unserved = [...changes.configs.del];
  for (const key of changes.configs.del) secrets.delete(key);
  for (const [key, entry] of Object.entries(changes.configs.set)) {
    if (entry?.secret) {
      secrets.set(key, entry);
      unserved.push(key);
    } else {
      secrets.delete(key);
      plain[key] = entry;
    }
  }
  return { flags, configs: held.configs.with(texts(plain, json?.configs), unserved), secrets };
}

/** A snapshot's entries as held; `json` is their text as read, kept as is. */
export function heldEntriesOf(snapshot: EnvSnapshot, json?: ByKind<string, string>): HeldEntries {
  return changedEntries(
    NONE,
    { flags: { set: snapshot.flags ?? {}, del: [] }, configs: { set: snapshot.configs ?? {}, del: [] } },
    json,
  );
}

/** The snapshot held entries stand for, parsed again: for compiling it whole (rare: a delta normally compiles only what it changed). */
export function unpackedSnapshot(header: SnapshotHeader, entries: HeldEntries): EnvSnapshot {
  const parsed = (packed: PackedEntries) =>
    Object.fromEntries([...packed.entries()].map(([key, json]) => [key, JSON.parse(json) as unknown]));
  const configs = parsed(entries.configs) as EnvSnapshot['configs'];
  for (const [key, entry] of entries.secrets) configs[key] = entry;
  return { ...header, flags: parsed(entries.flags) as EnvSnapshot['flags'], configs };
}
