import { createHash } from 'node:crypto';
import type { AppliedChange, Change } from '../core/change.js';
import { ConflictError, ValidationError } from '../core/errors.js';
import type { ConfigEntry } from '../core/model/config-entry.js';
import { validateFlag } from '../core/model/validate-flag.js';
import { logAudit, recordAudit, type AuditRow } from './audit.js';
import { withTransaction, type PoolClient } from './db.js';
import type { StorageDeps } from './deps.js';
import { insertVersion, latestVersion } from './entry-versions.js';
import { assertKnownEnvironments } from './environments.js';
import { jsonDiff } from '../core/model/json-diff.js';
import { publishSnapshots } from './snapshot-publisher.js';
import { validateConfigEntry } from '../core/model/validate-config-value.js';
import { assertSecretValuesSealed } from '../core/secrets/sealed-entry.js';

export { buildSnapshot, publishSnapshots } from './snapshot-publisher.js';

/** Secret values are envelopes: the audit diff shows that they changed (a fingerprint), never them. */
function auditable(kind: Change['target']['kind'], document: unknown): unknown {
  if (kind !== 'config' || !document || !(document as ConfigEntry).secret) return document;
  const entry = document as ConfigEntry;
  const fingerprint = (v: unknown) => (v === undefined ? undefined : `sha256:${createHash('sha256').update(JSON.stringify(v)).digest('hex').slice(0, 12)}`);
  return { ...entry, value: fingerprint(entry.value), scopes: entry.scopes.map((s) => ({ ...s, value: fingerprint(s.value) })) };
}

/** The document as it will be stored: parsed, normalized and checked, or a ValidationError saying why not. */
async function validDocument(client: PoolClient, change: Change, log: StorageDeps['log']): Promise<unknown> {
  const { target } = change;
  if (target.document.key !== target.key) {
    throw new ValidationError(`${target.kind} ${target.key}: the document's key is "${target.document.key}"; they must be the same`);
  }
  if (target.kind === 'flag') {
    // The control plane enforced the create-time rules (expiry horizon); here only what must hold for every stored version.
    const { flag, warnings } = validateFlag(target.document, { mode: 'import' });
    if (warnings.length) log.warn({ changeId: change.changeId, warnings }, `flag ${target.key}: stored with warnings`);
    await assertKnownEnvironments(client, Object.keys(flag.environments), `flag ${target.key}: environment`);
    return flag;
  }
  const entry = validateConfigEntry(target.document);
  await assertKnownEnvironments(client, entry.scopes.flatMap((s) => (s.env ? [s.env] : [])), `config ${target.key}: environment`);
  return entry;
}

function conflictMessage(change: Change, found: number): string {
  const { kind, key } = change.target;
  if (change.expectedVersion === 0) return `${kind} ${key} already exists (version ${found}): expected to create it`;
  if (found === 0) return `${kind} ${key} does not exist: expected version ${change.expectedVersion}`;
  return `${kind} ${key} changed since the request: expected version ${change.expectedVersion}, found ${found}`;
}

type Outcome = { result: AppliedChange; audit?: AuditRow };

async function applyInTransaction(client: PoolClient, change: Change, log: StorageDeps['log']): Promise<Outcome> {
  const { kind, key } = change.target;
  // Lock order, the same in every writer so none can deadlock: entry → environments → audit chain.
  await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`switchyard:${kind}:${key}`]);

  const prior = await client.query<{ result: AppliedChange }>('SELECT result FROM applied_changes WHERE change_id = $1', [change.changeId]);
  if (prior.rows[0]) return { result: { ...prior.rows[0].result, applied: false } };

  const current = await latestVersion(client, kind, key);
  const found = current?.version ?? 0;
  if (found !== change.expectedVersion) throw new ConflictError(conflictMessage(change, found));

  const document = await validDocument(client, change, log);
  const version = found + 1;
  await insertVersion(client, kind, { key, version, document, action: change.action, changeId: change.changeId, createdBy: change.actor });

  // A flag or config document holds global fields too, so every environment's snapshot moves.
  await client.query('SELECT name FROM environments ORDER BY name FOR UPDATE');
  const bumped = await client.query<{ name: string; snapshot_version: number }>(
    'UPDATE environments SET snapshot_version = snapshot_version + 1 RETURNING name, snapshot_version',
  );
  const snapshots = Object.fromEntries(bumped.rows.map((r) => [r.name, Number(r.snapshot_version)]));

  const audit = await recordAudit(client, {
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
    diff: jsonDiff(auditable(kind, current?.document), auditable(kind, document)),
    // The hash chain covers `detail`, so the full list of places is as tamper-evident as the columns.
    detail: { version, previousVersion: found, ...(change.touched ? { touched: change.touched } : {}) },
  });

  const result: AppliedChange = { changeId: change.changeId, key, kind, version, applied: true, auditId: audit.id, snapshots };
  await client.query('INSERT INTO applied_changes (change_id, entity_kind, entity_key, version, result) VALUES ($1, $2, $3, $4, $5)', [
    change.changeId,
    kind,
    key,
    version,
    JSON.stringify(result),
  ]);
  return { result, audit };
}

/**
 * The one way a flag or config entry changes (docs/architecture.md: every write leaves through this one apply
 * function). In one transaction: idempotency check on the change id, optimistic concurrency
 * check on `expectedVersion` (a stale write is a ConflictError), validation, the new version,
 * its audit row and the snapshot version bump. After commit: one log line per audit row, the
 * environments' snapshots written to Redis and announced.
 *
 * Applying the same change id again returns the first result with `applied: false` and writes
 * nothing — but republishes the snapshots, so a retry also repairs a Redis that missed the first.
 *
 * @example
 *   await applyChange(deps, { changeId, actor: 'U123', action: 'flag.kill', expectedVersion: 4,
 *     target: { kind: 'flag', key: 'checkout.v2', document }, environment: 'production', reason: 'INC-12' });
 */
export async function applyChange(deps: StorageDeps, change: Change): Promise<AppliedChange> {
  // Every write of a secret passes here, so this is where a clear value is stopped, whatever sent it.
  assertSecretValuesSealed(change.target);
  let outcome: Outcome;
  try {
    outcome = await withTransaction(deps.pool, (client) => applyInTransaction(client, change, deps.log));
  } catch (err) {
    // The same change id applied concurrently for another key slipped past the key lock: the
    // primary key caught it, and the stored result is the answer.
    if ((err as { constraint?: string }).constraint !== 'applied_changes_pkey') throw err;
    outcome = await withTransaction(deps.pool, (client) => applyInTransaction(client, change, deps.log));
  }
  if (outcome.audit) logAudit(deps.log, outcome.audit);

  // The change is committed whatever happens next. If Redis is down, the snapshot is published
  // late: by the next change, by a retry of this one, by `publishSnapshots` at boot or from the
  // CLI, and evaluators re-read the snapshot version after reconnecting. Failing here would make
  // the caller retry a change that already happened. (Bound the wait with ioredis's
  // maxRetriesPerRequest on the client passed in.)
  try {
    await publishSnapshots(deps, Object.keys(outcome.result.snapshots));
  } catch (err) {
    deps.log.error({ err, changeId: change.changeId }, 'change committed but its snapshots were not published to Redis');
  }
  return outcome.result;
}
