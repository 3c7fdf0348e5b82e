import type { ConfigEntry } from '../core/model/config-entry.js';
import type { FlagDocument } from '../core/model/flag.js';
import { applyChange } from './apply-change.js';
import { findAppliedChange } from './applied-change.js';
import type { StorageDeps } from './deps.js';
import type { EntryStore } from './entry-store-type.js';
import { latestVersion } from './entry-versions.js';
import { listLifecycleFlags } from './stale-flags.js';

/** EntryStore on Postgres (versions, audit) and Redis (the snapshots `applyChange` publishes). */
export function postgresEntryStore(deps: StorageDeps): EntryStore {
  const { pool } = deps;
  return {
    async latest(kind, key) {
      const row = await latestVersion<FlagDocument & ConfigEntry>(pool, kind, key);
      return row ? { kind, document: row.document, version: row.version } : null;
    },
    appliedChange: (id) => findAppliedChange<FlagDocument | ConfigEntry>(pool, id),
    apply: (change) => applyChange(deps, change),
    lifecycleFlags: () => listLifecycleFlags(pool),
  };
}
