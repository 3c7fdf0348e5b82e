import { createHash } from 'node:crypto';
import type { AppliedChange, Change } from '../core/change.js';
import { ConflictError, ValidationError } from '../core/errors.js';
import type { ConfigEntry } from '../core/model/config-entry.js';
import { jsonDiff } from '../core/model/json-diff.js';
import { validateConfigEntry } from '../core/model/validate-config-value.js';
import { validateFlag } from '../core/model/validate-flag.js';
import type { AuditEntry, AuditRow } from './audit.js';
import type { PoolClient } from './db.js';
import type { StorageDeps } from './deps.js';
import { ENTRY_KINDS, ENTRY_TABLE, type EntryVersion } from './entry-versions.js';
import { checkKnownEnvironments } from './environments.js';
import { touchedEnvironments } from './touched-environments.js';

// The steps of writing one entry inside a transaction, shared by applyChange (one entry) and
// applyChanges (a batch). Lock order, the same in every writer so none can deadlock:
// entries (a batch takes them sorted) → environment rows (by name) → audit chain.

/** One entry written in the current transaction, before its audit row. */
export interface EntryWrite {
  change: Change;
  version: number;
  previousVersion: number;
  before: unknown;
  document: unknown;
  /** The environments whose served entry this version changes (docs/design.md#change-feed). */
  touched: string[];
}

export type Outcome = { result: AppliedChange; audit?: AuditRow };

const lockName = (change: Change) => `switchyard:${change.target.kind}:${change.target.key}`;

/** Takes the entry locks of these changes, in one sorted order whatever the order given. */
export async function lockEntries(client: PoolClient, changes: readonly Change[]): Promise<void> {
  const names = [...new Set(changes.map(lockName))].sort();
  if (names.length === 1) {
    await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', names);
    return;
  }
  // Volatile functions in the select list run after ORDER BY, so the locks are taken in this order.
  await client.query('SELECT pg_advisory_xact_lock(hashtextextended(n, 0)) FROM unnest($1::text[]) AS n ORDER BY n', [
    names,
  ]);
}

/** The stored results of the change ids already applied, by change id. */
export async function priorResults(
  client: PoolClient,
  changeIds: readonly string[],
): Promise<Map<string, AppliedChange>> {
  const { rows } = await client.query<{ change_id: string; result: AppliedChange }>(
    'SELECT change_id, result FROM applied_changes WHERE change_id = ANY($1)',
    [changeIds],
  );
  return new Map(rows.map((r) => [r.change_id, r.result]));
}

/** Secret values are envelopes: the audit diff shows that they changed (a fingerprint), never them. */
function auditable(kind: Change['target']['kind'], document: unknown): unknown {
  if (kind !== 'config' || !document || !(document as ConfigEntry).secret) return document;
  const entry = document as ConfigEntry;
  const fingerprint = (v: unknown) =>
    v === undefined ? undefined : `sha256:${createHash('sha256').update(JSON.stringify(v)).digest('hex').slice(0, 12)}`;
  return {
    ...entry,
    value: fingerprint(entry.value),
    scopes: entry.scopes.map((s) => ({ ...s, value: fingerprint(s.value) })),
  };
}

/** The document as it will be stored: parsed, normalized and checked, or a ValidationError saying why not. */
function validDocument(change: Change, environments: readonly string[], log: StorageDeps['log']): unknown {
  const { target } = change;
  if (target.document.key !== target.key) {
    throw new ValidationError(
      `${target.kind} ${target.key}: the document's key is "${target.document.key}"; they must be the same`,
    );
  }
  if (target.kind === 'flag') {
    // The control plane enforced the create-time rules (expiry horizon); here only what must hold for every stored version.
    const { flag, warnings } = validateFlag(target.document, { mode: 'import' });
    if (warnings.length) log.warn({ changeId: change.changeId, warnings }, `flag ${target.key}: stored with warnings`);
    checkKnownEnvironments(environments, Object.keys(flag.environments), `flag ${target.key}: environment`);
    return flag;
  }
  const entry = validateConfigEntry(target.document);
  checkKnownEnvironments(
    environments,
    entry.scopes.flatMap((s) => (s.env ? [s.env] : [])),
    `config ${target.key}: environment`,
  );
  return entry;
}

function conflictMessage(change: Change, found: number): string {
  const { kind, key } = change.target;
  if (change.expectedVersion === 0) return `${kind} ${key} already exists (version ${found}): expected to create it`;
  if (found === 0) return `${kind} ${key} does not exist: expected version ${change.expectedVersion}`;
  return `${kind} ${key} changed since the request: expected version ${change.expectedVersion}, found ${found}`;
}

/**
 * Checks the expected version against the stored one (a stale write is a ConflictError) and
 * validates the document: the next version, not yet stored (insertVersions). `environments` are all known ones.
 */
export function prepareEntry(
  change: Change,
  current: Pick<EntryVersion<unknown>, 'version' | 'document'> | undefined,
  environments: readonly string[],
  log: StorageDeps['log'],
): EntryWrite {
  const { kind } = change.target;
  const found = current?.version ?? 0;
  if (found !== change.expectedVersion) throw new ConflictError(conflictMessage(change, found));
  const document = validDocument(change, environments, log);
  return {
    change,
    version: found + 1,
    previousVersion: found,
    before: current?.document,
    document,
    touched: touchedEnvironments(kind, current?.document, document, environments),
  };
}

/** Stores the prepared versions, one statement per kind however many there are. */
export async function insertVersions(client: PoolClient, writes: readonly EntryWrite[]): Promise<void> {
  for (const kind of ENTRY_KINDS) {
    const mine = writes.filter((w) => w.change.target.kind === kind);
    if (!mine.length) continue;
    await client.query(
      `INSERT INTO ${ENTRY_TABLE[kind]} (key, version, document, action, change_id, created_by)
       SELECT key, version, document::jsonb, action, change_id, created_by FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[])
         AS t(key, version, document, action, change_id, created_by)`,
      [
        mine.map((w) => w.change.target.key),
        mine.map((w) => w.version),
        mine.map((w) => JSON.stringify(w.document)),
        mine.map((w) => w.change.action),
        mine.map((w) => w.change.changeId),
        mine.map((w) => w.change.actor),
      ],
    );
  }
}

/** Locks the named environment rows (in name order) and moves each one's snapshot version by one. */
export async function bumpEnvironments(client: PoolClient, envs: readonly string[]): Promise<Record<string, number>> {
  if (!envs.length) return {};
  await client.query('SELECT name FROM environments WHERE name = ANY($1) ORDER BY name FOR UPDATE', [envs]);
  const { rows } = await client.query<{ name: string; snapshot_version: string | number }>(
    'UPDATE environments SET snapshot_version = snapshot_version + 1 WHERE name = ANY($1) RETURNING name, snapshot_version',
    [envs],
  );
  return Object.fromEntries(rows.map((r) => [r.name, Number(r.snapshot_version)]));
}

/** The audit row of each written entry. */
export function auditEntryOf(write: EntryWrite): AuditEntry {
  const { change, version, previousVersion } = write;
  const { kind, key } = change.target;
  return {
    actor: change.actor,
    onBehalfOf: change.onBehalfOf,
    action: change.action,
    entityKind: kind,
    entityKey: key,
    environment: change.environment,
    tenant: change.tenant,
    changeId: change.changeId,
    reason: change.reason,
    ticket: change.ticket,
    approvedBy: change.approvedBy,
    requestId: change.requestId,
    diff: jsonDiff(auditable(kind, write.before), auditable(kind, write.document)),
    // The hash chain covers `detail`, so the full list of places is as tamper-evident as the columns.
    detail: { version, previousVersion, ...(change.touched ? { touched: change.touched } : {}) },
  };
}

/** The result a written entry reports: its version, audit row, and the versions of the environments it touched. */
export function resultOf(write: EntryWrite, auditId: number, bumped: Record<string, number>): AppliedChange {
  const { changeId, target } = write.change;
  const snapshots = Object.fromEntries(
    write.touched.flatMap((env) => (bumped[env] === undefined ? [] : [[env, bumped[env]]])),
  );
  return { changeId, key: target.key, kind: target.kind, version: write.version, applied: true, auditId, snapshots };
}
