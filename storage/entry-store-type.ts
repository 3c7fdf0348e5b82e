import type { AppliedChange, Change } from '../core/change.js';
import type { ConfigEntry } from '../core/model/config-entry.js';
import type { FlagDocument } from '../core/model/flag.js';
import type { AppliedChangeRecord } from './applied-change.js';
import type { LifecycleFlag } from './stale-flags.js';

export type LoadedEntry =
  | { kind: 'flag'; document: FlagDocument; version: number }
  | { kind: 'config'; document: ConfigEntry; version: number };

/** Flags and config entries as the activities read and write them. */
export interface EntryStore {
  /** The latest version of a flag or config entry, read at the moment the activity runs. */
  latest(kind: 'flag' | 'config', key: string): Promise<LoadedEntry | null>;
  /** What a past change wrote, by request id or change id; NotFoundError when nothing has that id. */
  appliedChange(id: string): Promise<AppliedChangeRecord<FlagDocument | ConfigEntry>>;
  /**
   * The one write path: once per change id (a repeat returns the first result with `applied: false`),
   * ConflictError when the entry is no longer at `expectedVersion`, with the change's audit row.
   */
  apply(change: Change): Promise<AppliedChange>;
  /** Release and experiment flags, for the stale-flag report. */
  lifecycleFlags(): Promise<LifecycleFlag[]>;
}
