import type { NotificationEvent } from '../core/notifications.js';

export type { NotificationEvent, NotificationKind, ReplyTarget, StaleFlag } from '../core/notifications.js';

/** Delivers one event; implementations must treat a repeated `event.id` as already delivered. */
export interface Notifier {
  deliver(event: NotificationEvent): Promise<void>;
}
