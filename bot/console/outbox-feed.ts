import type { Notification, PoolClient } from 'pg';
import type { NotificationEvent } from '../../activities/notification-event.js';
import { OUTBOX_CHANNEL, readOutbox } from '../../activities/outbox-notifier.js';
import type { Logger } from '../../core/logger.js';
import type { Pool } from '../../storage/db.js';

export interface OutboxFeed {
  /** Reads whatever arrived since the last delivery (also run on every pg_notify). */
  poll(): Promise<void>;
  stop(): Promise<void>;
}

/** NOTIFY is lost while the listening connection is down, so a slow poll backs it up. */
const FALLBACK_POLL_MS = 2000;

/**
 * Delivers outbox events in id order, once each: first the rows nobody delivered yet, then every
 * new row as its pg_notify arrives. Rows shown here are marked delivered, as the Slack transport
 * would, so the next console start does not repeat them.
 */
export async function watchOutbox(options: { pool: Pool; log: Logger; onEvent: (event: NotificationEvent, id: number) => void | Promise<void> }): Promise<OutboxFeed> {
  const { pool, log } = options;
  const { rows } = await pool.query<{ id: string }>('SELECT coalesce(min(id) - 1, (SELECT coalesce(max(id), 0) FROM outbox)) AS id FROM outbox WHERE delivered_at IS NULL');
  let lastId = Number(rows[0]?.id ?? 0);
  let running: Promise<void> = Promise.resolve();
  let stopped = false;

  const drain = async () => {
    for (const row of await readOutbox(pool, lastId)) {
      lastId = row.id;
      try {
        await options.onEvent(row.event, row.id);
      } catch (err) {
        log.warn({ err, outboxId: row.id }, 'could not show a notification');
      }
      await pool.query('UPDATE outbox SET delivered_at = now() WHERE id = $1 AND delivered_at IS NULL', [row.id]);
    }
  };
  // One drain at a time, in order: a notify during a drain queues another pass.
  const poll = () => {
    running = running.then(() => (stopped ? undefined : drain())).catch((err: unknown) => log.warn({ err }, 'reading the outbox failed'));
    return running;
  };

  let listener: PoolClient | undefined;
  try {
    listener = await pool.connect();
    listener.on('notification', (msg: Notification) => {
      if (msg.channel === OUTBOX_CHANNEL) void poll();
    });
    listener.on('error', (err) => log.warn({ err }, 'outbox listener connection failed; falling back to polling'));
    await listener.query(`LISTEN ${OUTBOX_CHANNEL}`);
  } catch (err) {
    log.warn({ err }, 'cannot LISTEN for notifications; polling instead');
  }
  const timer = setInterval(() => void poll(), FALLBACK_POLL_MS);
  await poll();

  return {
    poll,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
      if (listener) {
        await listener.query(`UNLISTEN ${OUTBOX_CHANNEL}`).catch(() => undefined);
        listener.release();
      }
    },
  };
}
