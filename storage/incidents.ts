import type { Queryable } from './db.js';
import type { IncidentInput, IncidentRecord, IncidentStore } from './incident-store-type.js';

const SELECT =
  'SELECT id, entry_key AS "entryKey", environment, actor, webhook_delivered_at AS "webhookDeliveredAt" FROM incidents WHERE request_id = $1';

/** The incident table behind IncidentStore; the request id's unique key makes `open` happen once. */
export function postgresIncidentStore(db: Queryable): IncidentStore {
  return {
    async open(input: IncidentInput) {
      await db.query(
        `INSERT INTO incidents (request_id, actor, summary, reason, entry_key, environment, details)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (request_id) DO NOTHING`,
        [
          input.requestId,
          input.actor,
          input.summary,
          input.reason,
          input.entryKey ?? null,
          input.env ?? null,
          JSON.stringify({ reviewDueAt: input.reviewDueAt }),
        ],
      );
      return (await db.query<IncidentRecord>(SELECT, [input.requestId])).rows[0]!;
    },
    async markWebhookDelivered(id: number) {
      await db.query('UPDATE incidents SET webhook_delivered_at = now() WHERE id = $1', [id]);
    },
    async closeReview(requestId: string, reviewedBy: string) {
      await db.query(
        'UPDATE incidents SET reviewed_by = $2, reviewed_at = now() WHERE request_id = $1 AND reviewed_by IS NULL',
        [requestId, reviewedBy],
      );
      return (await db.query<IncidentRecord>(SELECT, [requestId])).rows[0];
    },
  };
}
