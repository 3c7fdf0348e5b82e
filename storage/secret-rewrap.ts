import type { Change } from '../core/change.js';
import { ConflictError, SwitchyardError } from '../core/errors.js';
import type { ConfigEntry } from '../core/model/config-entry.js';
import type { MasterKeyRing } from '../core/secrets/keyring.js';
import { rewrapSecretEntry } from '../core/secrets/rewrap.js';
import { applyChange } from './apply-change.js';
import type { Queryable } from './db.js';
import type { StorageDeps } from './deps.js';
import { latestVersion } from './entry-versions.js';

/** The action of a rewrap's versions and audit rows. */
export const REWRAP_ACTION = 'config.secret.rewrap';

export interface StoredSecret {
  key: string;
  version: number;
  document: ConfigEntry;
}

/** The latest version of every secret entry, by key: what is served, so what rotation must re-wrap. */
export async function latestSecrets(db: Queryable): Promise<StoredSecret[]> {
  const { rows } = await db.query<{ key: string; version: number; document: ConfigEntry }>(
    `SELECT key, version, document FROM (
       SELECT DISTINCT ON (key) key, version, document FROM config_versions ORDER BY key, version DESC
     ) latest WHERE document->>'secret' = 'true' ORDER BY key`,
  );
  return rows.map((r) => ({ key: r.key, version: Number(r.version), document: r.document }));
}

/**
 * The change id of re-wrapping one version of a secret under one key: the same secret, version and
 * target key always give the same id, so a run repeated after a crash (or racing another) applies
 * each re-wrap once, and a later version of the secret is a new change.
 */
export const rewrapChangeId = (key: string, version: number, targetKid: string) =>
  `secret-rewrap:${targetKid}:${key}@${version}`;

export interface RewrapOptions {
  ring: MasterKeyRing;
  /** Who it is recorded as (`cli:<name>`). */
  actor: string;
  /** Why, for the audit rows: required, as for any change. */
  reason: string;
  /** At most this many secrets are re-wrapped in this run (the rest are left for the next one). */
  limit?: number;
  /** Called after every `every` re-wrapped secrets with how many are done of how many need it. */
  progress?: { every: number; report: (done: number, of: number) => void };
}

export interface RewrapReport {
  /** Secret entries looked at. */
  secrets: number;
  /** Secrets written as a new version (or found written by an interrupted run with the same change id). */
  rewrapped: number;
  /** Envelopes re-wrapped within them. */
  envelopes: number;
  /** Secrets already wholly under the current key. */
  current: number;
  /** Secrets still under an older key because `limit` stopped the run. */
  left: number;
  /** One line per secret that could not be re-wrapped (a key the ring lacks, a corrupt data key, a race lost twice). */
  problems: string[];
}

/**
 * `switchyard secret rewrap` (docs/design.md#secrets-at-rest): every secret whose envelopes are under
 * an older key of the ring gets a new version with their data keys wrapped by the current key,
 * through applyChange — one audited, idempotent change per secret, so an interrupted run resumes
 * where it stopped and a second run finds nothing to do. Values are never decrypted: only data keys
 * are unwrapped and wrapped again, and the audit diff shows envelope fingerprints as for any secret.
 */
export async function rewrapSecrets(deps: StorageDeps, options: RewrapOptions): Promise<RewrapReport> {
  const { ring } = options;
  const report: RewrapReport = { secrets: 0, rewrapped: 0, envelopes: 0, current: 0, left: 0, problems: [] };
  const stored = await latestSecrets(deps.pool);
  report.secrets = stored.length;
  const pending = stored.filter((s) => {
    try {
      return rewrapSecretEntry(s.document, ring) !== undefined;
    } catch {
      return true; // Reported when it is tried, with its reason.
    }
  });
  report.current = stored.length - pending.length;
  const limit = options.limit ?? Infinity;
  for (const secret of pending) {
    if (report.rewrapped >= limit) {
      report.left++;
      continue;
    }
    try {
      report.envelopes += await rewrapOne(deps, options, secret);
      report.rewrapped++;
      const progress = options.progress;
      if (progress && report.rewrapped % progress.every === 0)
        progress.report(report.rewrapped, Math.min(pending.length, limit));
    } catch (error) {
      if (!(error instanceof SwitchyardError)) throw error;
      report.problems.push(error.message);
    }
  }
  return report;
}

/** Re-wraps one secret; a change that landed since it was read is re-read and tried once more. Returns the envelopes re-wrapped. */
async function rewrapOne(deps: StorageDeps, options: RewrapOptions, secret: StoredSecret): Promise<number> {
  let current = secret;
  for (let attempt = 0; ; attempt++) {
    const next = rewrapSecretEntry(current.document, options.ring);
    if (!next) return 0; // The change that raced it already left it under the current key.
    const change: Change = {
      changeId: rewrapChangeId(current.key, current.version, options.ring.currentId),
      actor: options.actor,
      action: REWRAP_ACTION,
      target: { kind: 'config', key: current.key, document: next.entry },
      expectedVersion: current.version,
      reason: options.reason,
    };
    try {
      await applyChange(deps, change);
      return next.rewrapped;
    } catch (error) {
      if (!(error instanceof ConflictError) || attempt > 0) throw error;
      const latest = await latestVersion<ConfigEntry>(deps.pool, 'config', current.key);
      if (!latest) throw error;
      current = { key: latest.key, version: latest.version, document: latest.document };
    }
  }
}
