import type { Pool } from 'pg';
import { enqueueOutboxEvent } from '../storage/outbox.js';
import type { NotificationEvent, Notifier } from './notification-event.js';

/**
 * Writes events to the Postgres outbox and wakes listeners with pg_notify, so delivery to Slack
 * happens in the bot process (which owns the Slack client and its rate limits), and an event is
 * never lost when Slack is down.
 */
export class OutboxNotifier implements Notifier {
  constructor(private readonly pool: Pool) {}

  async deliver(event: NotificationEvent): Promise<void> {
    await enqueueOutboxEvent(this.pool, event);
  }
}
