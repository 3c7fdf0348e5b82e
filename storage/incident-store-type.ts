/** A break-glass change's incident, as the activity opens it. */
export interface IncidentInput {
  requestId: string;
  actor: string;
  summary: string;
  reason: string;
  entryKey?: string;
  env?: string;
  reviewDueAt: string;
}

export interface IncidentRecord {
  id: number;
  entryKey: string | null;
  environment: string | null;
  actor: string;
  webhookDeliveredAt: Date | null;
}

/** One incident per break-glass request id. */
export interface IncidentStore {
  /** The request's incident, created by the first call; later calls return the same one. */
  open(input: IncidentInput): Promise<IncidentRecord>;
  markWebhookDelivered(id: number): Promise<void>;
  /** Marks the request's incident reviewed (the first reviewer wins) and returns it; undefined when there is none. */
  closeReview(requestId: string, reviewedBy: string): Promise<IncidentRecord | undefined>;
}
