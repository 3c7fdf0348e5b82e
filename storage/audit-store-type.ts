import type { AuditEntry } from './audit.js';

/** Audit rows for steps that are not themselves writes (a decision, a review, a rollout control). */
export interface AuditStore {
  /** Writes the event's row once per event id and action; true when this call wrote it. */
  recordOnce(eventId: string, entry: AuditEntry): Promise<boolean>;
}
