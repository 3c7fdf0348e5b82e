import type { AuditEntry } from '../storage/audit.js';
import type { ActivityContext } from './context.js';
import { permanent } from './permanent.js';

export function auditEventActivities({ stores }: ActivityContext) {
  return {
    /** An audit row for a step that is not itself a write (a decision, a rollout control); once per event id. */
    recordAuditEvent: permanent(async (input: AuditEntry & { eventId: string }): Promise<void> => {
      const { eventId, ...entry } = input;
      await stores.audit.recordOnce(eventId, entry);
    }),
  };
}
