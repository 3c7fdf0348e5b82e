import type { Notification, PoolClient } from 'pg';
import type { NotificationEvent } from '../core/notifications.js';
import { withTransaction, type Pool, type Queryable } from './db.js';

/** The pg_notify channel a new outbox row is announced on. */
export const OUTBOX_CHANNEL = 'switchyard_outbox';

/**
 * Adds one event to the outbox, once per event id (the dedupe key), and wakes listeners in the
 * same transaction, so a listener never hears of a row it cannot read yet.
 */
export async function enqueueOutboxEvent(pool: Pool, event: NotificationEvent): Promise<void> {
  await withTransaction(pool, async (client) => {
    const inserted = await client.query<{ id: string }>(
      `INSERT INTO outbox (dedupe_key, target, event) VALUES ($1, $2, $3)
       ON CONFLICT (dedupe_key) DO NOTHING RETURNING id`,
      [event.id, event.replyTo ? JSON.stringify(event.replyTo) : null, JSON.stringify(event)],
    );
    const id = inserted.rows[0]?.id;
    if (id) await client.query('SELECT pg_notify($1, $2)', [OUTBOX_CHANNEL, id]);
  });
}

/** Reads outbox rows in order (for the console transport and tests). */
export async function readOutbox(db: Queryable, afterId = 0): Promise<Array<{ id: number; event: NotificationEvent }>> {
  const { rows } = await db.query<{ id: string; event: NotificationEvent }>(
    'SELECT id, event FROM outbox WHERE id > $1 ORDER BY id',
    [afterId],
  );
  return rows.map((r) => ({ id: Number(r.id), event: r.event }));
}

/** The id just before the first undelivered row (or the newest row when all are delivered): where a reader starts. */
export async function outboxResumePoint(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ id: string }>(
    'SELECT coalesce(min(id) - 1, (SELECT coalesce(max(id), 0) FROM outbox)) AS id FROM outbox WHERE delivered_at IS NULL',
  );
  return Number(rows[0]?.id ?? 0);
}

export async function markOutboxDelivered(db: Queryable, id: number): Promise<void> {
  await db.query('UPDATE outbox SET delivered_at = now() WHERE id = $1 AND delivered_at IS NULL', [id]);
}

/** A connection held open that LISTENs for new outbox rows; `stop` unlistens and returns it to the pool. */
export async function listenForOutbox(
  pool: Pool,
  onRow: () => void,
  onError: (err: Error) => void,
): Promise<{ stop(): Promise<void> }> {
  const listener: PoolClient = await pool.connect();
  try {
    listener.on('notification', (msg: Notification) => {
      if (msg.channel === OUTBOX_CHANNEL) onRow();
    });
    listener.on('error', onError);
    await listener.query(`LISTEN ${OUTBOX_CHANNEL}`);
  } catch (err) {
    listener.release();
    throw err;
  }
  return {
    async stop() {
      await listener.query(`UNLISTEN ${OUTBOX_CHANNEL}`).catch(() => undefined);
      listener.release();
    },
  };
}
