import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { Queryable } from './db.js';

/** What happened, for one audit row: who, what (diff), where, why. When and the chain are the database's. */
export interface AuditEntry {
  actor: string;
  onBehalfOf?: string;
  action: string;
  entityKind?: string;
  entityKey?: string;
  environment?: string;
  tenant?: string;
  changeId?: string;
  reason?: string;
  ticket?: string;
  approvedBy?: string;
  requestId?: string;
  /** old → new, e.g. `{ "environments.production.killed": { "old": false, "new": true } }`. */
  diff?: unknown;
  detail?: Record<string, unknown>;
}

export interface AuditRow extends AuditEntry {
  id: number;
  seq: number;
  occurredAt: string;
  prevHash: string;
  hash: string;
}

export type AuditVerification =
  | {
      ok: true;
      rows: number;
      /** The newest row: record it outside the database to catch later removal of rows. */ head?: {
        seq: number;
        hash: string;
      };
    }
  | { ok: false; rows: number; brokenAt: { seq: number; id: number; reason: string } };

const GENESIS_HASH = '0'.repeat(64);

export const COLUMNS = `id, seq, occurred_at, actor, on_behalf_of, action, entity_kind, entity_key, environment, tenant,
  change_id, reason, ticket, approved_by, request_id, diff, detail, prev_hash, hash`;

export function toRow(r: Record<string, unknown>): AuditRow {
  const optional = (v: unknown) => (v === null ? undefined : (v as string));
  return {
    id: Number(r.id),
    seq: Number(r.seq),
    occurredAt: (r.occurred_at as Date).toISOString(),
    actor: r.actor as string,
    onBehalfOf: optional(r.on_behalf_of),
    action: r.action as string,
    entityKind: optional(r.entity_kind),
    entityKey: optional(r.entity_key),
    environment: optional(r.environment),
    tenant: optional(r.tenant),
    changeId: optional(r.change_id),
    reason: optional(r.reason),
    ticket: optional(r.ticket),
    approvedBy: optional(r.approved_by),
    requestId: optional(r.request_id),
    diff: r.diff ?? undefined,
    detail: r.detail as Record<string, unknown>,
    prevHash: r.prev_hash as string,
    hash: r.hash as string,
  };
}

/**
 * Appends one row to the audit chain, inside the caller's transaction when given a client (the
 * row then commits or rolls back with the change it describes). The database assigns seq, time
 * and hashes. Log the returned row with `logAudit` once the transaction has committed.
 */
export async function recordAudit(db: Queryable, entry: AuditEntry): Promise<AuditRow> {
  const { rows } = await db.query(
    `INSERT INTO audit_log (actor, on_behalf_of, action, entity_kind, entity_key, environment, tenant,
       change_id, reason, ticket, approved_by, request_id, diff, detail)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
     RETURNING ${COLUMNS}`,
    [
      entry.actor,
      entry.onBehalfOf ?? null,
      entry.action,
      entry.entityKind ?? null,
      entry.entityKey ?? null,
      entry.environment ?? null,
      entry.tenant ?? null,
      entry.changeId ?? null,
      entry.reason ?? null,
      entry.ticket ?? null,
      entry.approvedBy ?? null,
      entry.requestId ?? null,
      entry.diff === undefined ? null : JSON.stringify(entry.diff),
      JSON.stringify(entry.detail ?? {}),
    ],
  );
  return toRow(rows[0]);
}

/** The structured log line that mirrors an audit row (one per row, written after commit). */
export function logAudit(log: Logger, row: AuditRow): void {
  const { prevHash: _prev, ...audit } = row;
  log.info({ audit }, `audit: ${row.actor} ${row.action}${row.entityKey ? ` ${row.entityKey}` : ''}`);
}

/** Audit rows, newest first, filtered by entity or change. */
export async function auditTrail(
  db: Queryable,
  filter: { entityKind?: string; entityKey?: string; changeId?: string; limit?: number } = {},
): Promise<AuditRow[]> {
  const { rows } = await db.query(
    `SELECT ${COLUMNS} FROM audit_log
     WHERE ($1::text IS NULL OR entity_kind = $1) AND ($2::text IS NULL OR entity_key = $2) AND ($3::text IS NULL OR change_id = $3)
     ORDER BY seq DESC LIMIT $4`,
    [filter.entityKind ?? null, filter.entityKey ?? null, filter.changeId ?? null, filter.limit ?? 50],
  );
  return rows.map(toRow);
}

/**
 * Walks the chain in seq order and names the first row that breaks it: a gap in seq, a
 * prev_hash that is not the previous row's hash, or a hash that does not match the row's
 * content. The canonical text comes from the database's `audit_canonical_text` (see the
 * migration for its format); the hash over it is recomputed here.
 */
export async function verifyAuditChain(
  db: Queryable,
  options: { batchSize?: number; expectHead?: { seq: number; hash: string } } = {},
): Promise<AuditVerification> {
  const batchSize = options.batchSize ?? 1000;
  const expected = options.expectHead;
  let previousHash = GENESIS_HASH;
  let expectedSeq = 1;
  let rows = 0;
  // A chain only proves what is in it: a head recorded elsewhere earlier catches rows removed from its end.
  const finish = (): AuditVerification => {
    const head = rows ? { seq: expectedSeq - 1, hash: previousHash } : undefined;
    if (expected && rows < expected.seq) {
      return {
        ok: false,
        rows,
        brokenAt: {
          seq: expected.seq,
          id: 0,
          reason: `the chain ends at seq ${rows}, but a head at seq ${expected.seq} was recorded: rows ${rows + 1}..${expected.seq} were removed`,
        },
      };
    }
    return { ok: true, rows, ...(head ? { head } : {}) };
  };
  for (;;) {
    const batch = await db.query<{
      id: string | number;
      seq: string | number;
      prev_hash: string;
      hash: string;
      canonical: string;
    }>(
      `SELECT id, seq, prev_hash, hash, audit_canonical_text(a) AS canonical
       FROM audit_log a WHERE seq >= $1 ORDER BY seq LIMIT $2`,
      [expectedSeq, batchSize],
    );
    for (const row of batch.rows) {
      const seq = Number(row.seq);
      const id = Number(row.id);
      const broken = (reason: string): AuditVerification => ({ ok: false, rows, brokenAt: { seq, id, reason } });
      if (seq !== expectedSeq)
        return broken(`seq ${seq} follows seq ${expectedSeq - 1}: rows ${expectedSeq}..${seq - 1} are missing`);
      if (row.prev_hash !== previousHash) return broken(`prev_hash does not match the hash of row seq ${seq - 1}`);
      const recomputed = createHash('sha256')
        .update(row.prev_hash + row.canonical, 'utf8')
        .digest('hex');
      if (recomputed !== row.hash) return broken('content does not match its hash (the row was altered)');
      if (expected && seq === expected.seq && row.hash !== expected.hash)
        return broken('its hash differs from the head recorded for it (the chain was rewritten from here or earlier)');
      previousHash = row.hash;
      expectedSeq = seq + 1;
      rows += 1;
    }
    if (batch.rows.length < batchSize) return finish();
  }
}
