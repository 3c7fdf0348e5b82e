import type { IncidentInput, IncidentRecord, IncidentStore } from '../../storage/incident-store-type.js';

/** Incidents in memory, one per request id. */
export class FakeIncidentStore implements IncidentStore {
  private readonly byRequest = new Map<string, IncidentRecord & { reviewedBy?: string }>();

  async open(input: IncidentInput): Promise<IncidentRecord> {
    let row = this.byRequest.get(input.requestId);
    if (!row) {
      row = {
        id: this.byRequest.size + 1,
        entryKey: input.entryKey ?? null,
        environment: input.env ?? null,
        actor: input.actor,
        webhookDeliveredAt: null,
      };
      this.byRequest.set(input.requestId, row);
    }
    return { ...row };
  }

  async markWebhookDelivered(id: number): Promise<void> {
    for (const row of this.byRequest.values()) if (row.id === id) row.webhookDeliveredAt = new Date();
  }

  async closeReview(requestId: string, reviewedBy: string): Promise<IncidentRecord | undefined> {
    const row = this.byRequest.get(requestId);
    if (row) row.reviewedBy ??= reviewedBy;
    return row && { ...row };
  }
}
