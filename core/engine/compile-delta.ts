import type { ConfigEntry } from '../model/config-entry.js';
import type { FlagDocument } from '../model/flag.js';
import type { EnvSnapshot } from '../snapshot.js';
import {
  compileConfigEntry,
  compiledOver,
  compileFlagEntry,
  extensibleTables,
  type CompiledTables,
} from './compile.js';
import type { CompiledSnapshot } from './types.js';

/** Entries set (their JSON as the environment sees it, parsed) and keys deleted, by kind. */
export interface EntryChanges {
  flags: { set: Record<string, FlagDocument>; del: readonly string[] };
  configs: { set: Record<string, ConfigEntry>; del: readonly string[] };
}

/** One environment moving from version `from` to `version` of `epoch` by `changes` (a change-feed delta, parsed). */
export interface SnapshotDelta extends EntryChanges {
  env: string;
  epoch: string;
  from: number;
  version: number;
  generatedAt: string;
}

/** Whether two epochs are the same database's; a snapshot written without one ('' on the feed, absent when read) matches only another without. */
export function sameEpoch(a: string | undefined, b: string | undefined): boolean {
  return (a ?? '') === (b ?? '');
}

/** What a holder keeps of one environment: the entries as read and their compiled form. */
export interface CompiledHolding {
  snapshot: EnvSnapshot;
  compiled: CompiledSnapshot;
}

/** Where `key` goes in the sorted key list: its index when present, else where it would be inserted. */
function positionOf(keys: readonly string[], key: string): { index: number; found: boolean } {
  let low = 0;
  let high = keys.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const at = keys[middle]!;
    if (at === key) return { index: middle, found: true };
    if (at < key) low = middle + 1;
    else high = middle;
  }
  return { index: low, found: false };
}

function setFlag(tables: CompiledTables, key: string, flag: FlagDocument): void {
  const evaluator = compileFlagEntry(key, flag, tables.env, tables.options);
  tables.flags.set(key, evaluator);
  const { index, found } = positionOf(tables.keys, key);
  if (found) {
    tables.evaluators[index] = evaluator;
  } else {
    tables.keys.splice(index, 0, key);
    tables.evaluators.splice(index, 0, evaluator);
  }
}

function deleteFlag(tables: CompiledTables, key: string): void {
  if (!tables.flags.delete(key)) return;
  const { index, found } = positionOf(tables.keys, key);
  if (!found) return;
  tables.keys.splice(index, 1);
  tables.evaluators.splice(index, 1);
}

/**
 * The next compiled snapshot after `changes`, compiling only the entries they name and reusing
 * every other closure: O(changed), whatever the environment holds. It edits the tables `previous`
 * shares with its lineage, so `previous` answers with the new entries from then on (holders swap
 * to the result at once and never serve the old one again). Undefined when `previous` cannot be
 * extended (not from compileSnapshot, or not its lineage's newest): compile the whole snapshot.
 */
export function compileDelta(
  previous: CompiledSnapshot,
  version: number,
  changes: EntryChanges,
): CompiledSnapshot | undefined {
  const tables = extensibleTables(previous);
  if (!tables) return undefined;
  for (const key of changes.flags.del) deleteFlag(tables, key);
  for (const [key, flag] of Object.entries(changes.flags.set)) setFlag(tables, key, flag);
  for (const key of changes.configs.del) tables.configs.delete(key);
  for (const [key, entry] of Object.entries(changes.configs.set))
    tables.configs.set(key, compileConfigEntry(key, entry, tables.env));
  return compiledOver(tables, version);
}

/** A copy of `snapshot` whose entry records the holder owns, so deltas may edit them in place. */
export function ownedSnapshot(snapshot: EnvSnapshot): EnvSnapshot {
  return { ...snapshot, flags: { ...(snapshot.flags ?? {}) }, configs: { ...(snapshot.configs ?? {}) } };
}

function edit<T>(record: Record<string, T>, change: { set: Record<string, T>; del: readonly string[] }): void {
  for (const key of change.del) delete record[key];
  Object.assign(record, change.set);
}

/**
 * `current` advanced by `delta`, in O(changed) when its compiled snapshot can be extended: the
 * entry records are edited in place (they must be the holder's own, see ownedSnapshot) and only
 * the changed entries are compiled. Otherwise the whole next snapshot is built on a copy and
 * compiled by `compileFull`, which may throw and then leaves `current` untouched.
 */
export function applySnapshotDelta(
  current: CompiledHolding,
  delta: SnapshotDelta,
  compileFull: (snapshot: EnvSnapshot) => CompiledSnapshot,
): CompiledHolding {
  const envelope: Omit<EnvSnapshot, 'flags' | 'configs'> = {
    env: current.snapshot.env,
    version: delta.version,
    generatedAt: delta.generatedAt,
  };
  if (delta.epoch) envelope.epoch = delta.epoch;
  if (extensibleTables(current.compiled)) {
    edit(current.snapshot.flags, delta.flags);
    edit(current.snapshot.configs, delta.configs);
    const compiled = compileDelta(current.compiled, delta.version, delta)!;
    return { snapshot: { ...envelope, flags: current.snapshot.flags, configs: current.snapshot.configs }, compiled };
  }
  const { epoch: _previousEpoch, ...rest } = ownedSnapshot(current.snapshot);
  const next: EnvSnapshot = { ...rest, ...envelope };
  edit(next.flags, delta.flags);
  edit(next.configs, delta.configs);
  return { snapshot: next, compiled: compileFull(next) };
}
