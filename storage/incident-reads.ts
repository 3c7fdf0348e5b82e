import type { Queryable } from './db.js';

/** One break-glass incident as `/incident list` and `/incident show` read it. */
export interface IncidentView {
  /** `INC-<n>`, as the incident notification names it. */
  incidentId: string;
  requestId: string;
  actor: string;
  summary: string;
  reason: string;
  entryKey?: string;
  env?: string;
  openedAt: string;
  reviewDueAt?: string;
  reviewedBy?: string;
  reviewedAt?: string;
}

interface Row {
  id: string;
  request_id: string;
  actor: string;
  summary: string;
  reason: string;
  entry_key: string | null;
  environment: string | null;
  details: { reviewDueAt?: string } | null;
  reviewed_by: string | null;
  reviewed_at: Date | null;
  created_at: Date;
}

const COLUMNS =
  'id, request_id, actor, summary, reason, entry_key, environment, details, reviewed_by, reviewed_at, created_at';

function view(row: Row): IncidentView {
  return {
    incidentId: `INC-${row.id}`,
    requestId: row.request_id,
    actor: row.actor,
    summary: row.summary,
    reason: row.reason,
    ...(row.entry_key ? { entryKey: row.entry_key } : {}),
    ...(row.environment ? { env: row.environment } : {}),
    openedAt: row.created_at.toISOString(),
    ...(row.details?.reviewDueAt ? { reviewDueAt: row.details.reviewDueAt } : {}),
    ...(row.reviewed_by ? { reviewedBy: row.reviewed_by } : {}),
    ...(row.reviewed_at ? { reviewedAt: row.reviewed_at.toISOString() } : {}),
  };
}

/** The newest incidents first; `open` keeps only those nobody has reviewed yet. */
export async function listIncidents(
  db: Queryable,
  options: { open?: boolean; limit?: number } = {},
): Promise<IncidentView[]> {
  const where = options.open ? 'WHERE reviewed_by IS NULL' : '';
  const { rows } = await db.query<Row>(`SELECT ${COLUMNS} FROM incidents ${where} ORDER BY id DESC LIMIT $1`, [
    options.limit ?? 25,
  ]);
  return rows.map(view);
}

/** The incident numbered `n` (the `<n>` of `INC-<n>`), or undefined. */
export async function incidentByNumber(db: Queryable, n: number): Promise<IncidentView | undefined> {
  const { rows } = await db.query<Row>(`SELECT ${COLUMNS} FROM incidents WHERE id = $1`, [n]);
  return rows[0] ? view(rows[0]) : undefined;
}
