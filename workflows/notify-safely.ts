import { log, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { NotificationEvent } from '../activities/notification-event.js';
import { activityPresets } from './activity-options.js';

const { notify } = proxyActivities<Activities>(activityPresets.notification);

/** Tells people what happened; a notification that cannot be delivered never undoes or blocks a change. */
export async function notifySafely(event: NotificationEvent): Promise<void> {
  try {
    await notify(event);
  } catch (err) {
    log.warn('notification not delivered', { kind: event.kind, id: event.id, error: String(err) });
  }
}
