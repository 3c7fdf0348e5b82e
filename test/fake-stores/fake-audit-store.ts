import type { AuditEntry } from '../../storage/audit.js';
import type { AuditStore } from '../../storage/audit-store-type.js';

/** The audit log in memory: every fake that writes audits appends here, as storage does in its transactions. */
export class FakeAuditStore implements AuditStore {
  readonly rows: AuditEntry[] = [];

  append(entry: AuditEntry): void {
    this.rows.push(entry);
  }

  /** The same scheme as Postgres: a row with the event id as change id and the same action means done. */
  recorded(eventId: string, action: string): boolean {
    return this.rows.some((r) => r.changeId === eventId && r.action === action);
  }

  async recordOnce(eventId: string, entry: AuditEntry): Promise<boolean> {
    if (this.recorded(eventId, entry.action)) return false;
    this.append({ ...entry, changeId: eventId });
    return true;
  }
}
