import type { Logger } from 'pino';
import { logAudit, recordAudit, type AuditEntry } from './audit.js';
import { withTransaction, type Pool, type Queryable } from './db.js';

/**
 * The one idempotency scheme for audit rows written outside `applyChange` (which keeps its own,
 * in its transaction): the workflow picks an event id that is the same on every retry, it is stored
 * as the row's `change_id`, and a row with that change id and action means the event is recorded.
 */
export async function auditEventRecorded(db: Queryable, eventId: string, action: string): Promise<boolean> {
  const { rowCount } = await db.query('SELECT 1 FROM audit_log WHERE change_id = $1 AND action = $2 LIMIT 1', [
    eventId,
    action,
  ]);
  return Boolean(rowCount);
}

/**
 * Appends the event's audit row unless it is there already; true when this call wrote it. Two
 * attempts running at once (a timed-out activity and its retry) serialize on the event id, so one row
 * is written. Logged after commit, like every audit row.
 */
export async function recordAuditOnce(
  deps: { pool: Pool; log: Logger },
  eventId: string,
  entry: AuditEntry,
): Promise<boolean> {
  const row = await withTransaction(deps.pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`switchyard:audit-event:${eventId}`]);
    if (await auditEventRecorded(client, eventId, entry.action)) return undefined;
    return recordAudit(client, { ...entry, changeId: eventId });
  });
  if (row) logAudit(deps.log, row);
  return row !== undefined;
}
