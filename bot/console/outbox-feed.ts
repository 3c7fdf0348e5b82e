import type { NotificationEvent } from '../../core/notifications.js';
import type { Logger } from '../../core/logger.js';
import type { Pool } from '../../storage/db.js';
import { listenForOutbox, markOutboxDelivered, outboxResumePoint, readOutbox } from '../../storage/outbox.js';

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
export async function watchOutbox(options: {
  pool: Pool;
  log: Logger;
  onEvent: (event: NotificationEvent, id: number) => void | Promise<void>;
}): Promise<OutboxFeed> {
  const { pool, log } = options;
  let lastId = await outboxResumePoint(pool);
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
      await markOutboxDelivered(pool, row.id);
    }
  };
  // One drain at a time, in order: a notify during a drain queues another pass.
  const poll = () => {
    running = running
      .then(() => (stopped ? undefined : drain()))
      .catch((err: unknown) => log.warn({ err }, 'reading the outbox failed'));
    return running;
  };

  let listener: { stop(): Promise<void> } | undefined;
  try {
    listener = await listenForOutbox(
      pool,
      () => void poll(),
      (err) => log.warn({ err }, 'outbox listener connection failed; falling back to polling'),
    );
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
      await listener?.stop();
    },
  };
}
