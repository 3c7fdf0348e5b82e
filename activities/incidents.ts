import type { Pool } from 'pg';
import { NotFoundError } from '../core/errors.js';

export interface IncidentInput {
  requestId: string;
  actor: string;
  summary: string;
  reason: string;
  entryKey?: string;
  env?: string;
  reviewDueAt: string;
}

interface IncidentRow {
  id: number;
  entryKey: string | null;
  environment: string | null;
  actor: string;
  webhookDeliveredAt: Date | null;
}

const SELECT = 'SELECT id, entry_key AS "entryKey", environment, actor, webhook_delivered_at AS "webhookDeliveredAt" FROM incidents WHERE request_id = $1';

/**
 * The incident record of a break-glass change, once per request id; when a webhook is configured
 * (a ticketing bridge) the incident is POSTed there until it accepts it. A webhook failure throws so
 * the activity retries; the row is already there and is not duplicated.
 */
export async function openIncident(pool: Pool, webhookUrl: string | undefined, input: IncidentInput): Promise<{ incidentId: string }> {
  await pool.query(
    `INSERT INTO incidents (request_id, actor, summary, reason, entry_key, environment, details)
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (request_id) DO NOTHING`,
    [input.requestId, input.actor, input.summary, input.reason, input.entryKey ?? null, input.env ?? null, JSON.stringify({ reviewDueAt: input.reviewDueAt })],
  );
  const row = (await pool.query<IncidentRow>(SELECT, [input.requestId])).rows[0]!;
  const incidentId = `INC-${row.id}`;
  if (webhookUrl && !row.webhookDeliveredAt) {
    const response = await fetch(webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': `switchyard-incident-${input.requestId}` },
      body: JSON.stringify({ incidentId, kind: 'break-glass', ...input }),
      signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok) throw new Error(`incident webhook answered ${response.status} ${response.statusText}`);
    await pool.query('UPDATE incidents SET webhook_delivered_at = now() WHERE id = $1', [row.id]);
  }
  return { incidentId };
}

/** Marks the incident reviewed (first reviewer wins) and returns it. */
export async function closeIncidentReview(pool: Pool, requestId: string, reviewedBy: string): Promise<IncidentRow> {
  await pool.query('UPDATE incidents SET reviewed_by = $2, reviewed_at = now() WHERE request_id = $1 AND reviewed_by IS NULL', [requestId, reviewedBy]);
  const row = (await pool.query<IncidentRow>(SELECT, [requestId])).rows[0];
  if (!row) throw new NotFoundError(`no incident for break-glass request ${requestId}`);
  return row;
}
