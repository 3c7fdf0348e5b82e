import type { ConfigEntry } from './model/config-entry.js';
import type { FlagDocument } from './model/flag.js';

/**
 * Everything one environment serves, as held by the evaluator and the in-process provider. In
 * Redis it is one hash of entries per environment, changed by deltas (docs/design.md#change-feed). Flags carry only this environment's state under
 * `environments[env]`; configs carry only the scopes that can apply here.
 */
export interface EnvSnapshot {
  env: string;
  /** Monotonic per environment; a reader never replaces a snapshot with an older one. */
  version: number;
  /**
   * The identity of the database the snapshot was built from (docs/design.md#redis-snapshot-cache):
   * versions are compared only within one epoch, and a snapshot of another epoch replaces the held
   * one whatever its version. Absent in snapshots written by hand (files, tests).
   */
  epoch?: string;
  generatedAt: string;
  flags: Record<string, FlagDocument>;
  configs: Record<string, ConfigEntry>;
}

export function emptySnapshot(env: string): EnvSnapshot {
  return { env, version: 0, generatedAt: new Date(0).toISOString(), flags: {}, configs: {} };
}
