import type { Pool } from 'pg';
import type { NotificationEvent, Notifier } from './notification-event.js';

export const OUTBOX_CHANNEL = 'switchyard_outbox';

/**
 * Writes events to the Postgres outbox and wakes listeners with pg_notify, so delivery to Slack
 * happens in the bot process (which owns the Slack client and its rate limits), and an event is
 * never lost when Slack is down.
 */
export class OutboxNotifier implements Notifier {
  constructor(private readonly pool: Pool) {}

  async deliver(event: NotificationEvent): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const inserted = await client.query<{ id: string }>(
        `INSERT INTO outbox (dedupe_key, target, event) VALUES ($1, $2, $3)
         ON CONFLICT (dedupe_key) DO NOTHING RETURNING id`,
        [event.id, event.replyTo ? JSON.stringify(event.replyTo) : null, JSON.stringify(event)],
      );
      const id = inserted.rows[0]?.id;
      if (id) await client.query('SELECT pg_notify($1, $2)', [OUTBOX_CHANNEL, id]);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }
}

/** Reads outbox rows in order (for the console transport and tests). */
export async function readOutbox(pool: Pool, afterId = 0): Promise<Array<{ id: number; event: NotificationEvent }>> {
  const { rows } = await pool.query<{ id: string; event: NotificationEvent }>(
    'SELECT id, event FROM outbox WHERE id > $1 ORDER BY id',
    [afterId],
  );
  return rows.map((r) => ({ id: Number(r.id), event: r.event }));
}
