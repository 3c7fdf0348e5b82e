import type { ConfigEntry } from '../core/model/config-entry.js';
import type { FlagDocument } from '../core/model/flag.js';
import { findAppliedChange } from './applied-change.js';
import type { StorageDeps } from './deps.js';
import type { EntryStore } from './entry-store-type.js';
import { latestVersion } from './entry-versions.js';
import { groupCommit } from './group-commit.js';
import { listLifecycleFlags } from './stale-flags.js';

/**
 * EntryStore on Postgres (versions, audit) and Redis (the snapshots `applyChange` publishes).
 * Writes go through one group commit per store, so a burst of them (a thousand rollouts writing
 * their stages at once) costs a few transactions instead of one each.
 */
export function postgresEntryStore(deps: StorageDeps): EntryStore {
  const { pool } = deps;
  const commits = groupCommit(deps);
  return {
    async latest(kind, key) {
      const row = await latestVersion<FlagDocument & ConfigEntry>(pool, kind, key);
      return row ? { kind, document: row.document, version: row.version } : null;
    },
    appliedChange: (id) => findAppliedChange<FlagDocument | ConfigEntry>(pool, id),
    apply: (change) => commits.apply(change),
    lifecycleFlags: () => listLifecycleFlags(pool),
  };
}
