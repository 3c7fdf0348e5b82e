import { COLUMNS, toRow, type AuditRow } from './audit.js';
import type { Queryable } from './db.js';

/** A filter over the audit log; every field optional, all given ones must hold. */
export interface AuditSearch {
  entityKind?: string;
  entityKey?: string;
  /** Rows written by this principal, or on its behalf (a stage `system` wrote for a requester). */
  actor?: string;
  /** Rows at or after this time. */
  since?: Date;
  /** Paging: rows older than this seq (the previous page's `nextBefore`). */
  before?: number;
  limit: number;
}

/**
 * One page of audit rows, newest first, and the seq to ask `before` for the next page (absent on
 * the last page). Paged by seq, not offset, so rows appended meanwhile never shift a page.
 */
export async function searchAudit(
  db: Queryable,
  search: AuditSearch,
): Promise<{ rows: AuditRow[]; nextBefore?: number }> {
  const { rows } = await db.query(
    `SELECT ${COLUMNS} FROM audit_log
     WHERE ($1::text IS NULL OR entity_kind = $1) AND ($2::text IS NULL OR entity_key = $2)
       AND ($3::text IS NULL OR actor = $3 OR on_behalf_of = $3)
       AND ($4::timestamptz IS NULL OR occurred_at >= $4) AND ($5::bigint IS NULL OR seq < $5)
     ORDER BY seq DESC LIMIT $6`,
    [
      search.entityKind ?? null,
      search.entityKey ?? null,
      search.actor ?? null,
      search.since ?? null,
      search.before ?? null,
      search.limit + 1,
    ],
  );
  const page = rows.slice(0, search.limit).map(toRow);
  return rows.length > search.limit ? { rows: page, nextBefore: page[page.length - 1]!.seq } : { rows: page };
}
