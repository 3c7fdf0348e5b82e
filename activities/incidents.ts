import { NotFoundError } from '../core/errors.js';
import type { IncidentInput } from '../storage/incident-store-type.js';
import type { ActivityContext } from './context.js';
import { permanent } from './permanent.js';

export type { IncidentInput } from '../storage/incident-store-type.js';

/** The incident of a break-glass change: opened (and sent to a ticketing bridge) once, closed by its review. */
export function incidentActivities({ stores, settings }: ActivityContext) {
  const { incidents, audit } = stores;
  return {
    /**
     * The incident record, once per request id; when a webhook is configured the incident is POSTed
     * there until it accepts it. A webhook failure throws so the activity retries; the row is
     * already there and is not duplicated.
     */
    openIncident: permanent(async (input: IncidentInput): Promise<{ incidentId: string }> => {
      const row = await incidents.open(input);
      const incidentId = `INC-${row.id}`;
      const webhookUrl = settings.INCIDENT_WEBHOOK_URL;
      if (webhookUrl && !row.webhookDeliveredAt) {
        const response = await fetch(webhookUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': `switchyard-incident-${input.requestId}` },
          body: JSON.stringify({ incidentId, kind: 'break-glass', ...input }),
          signal: AbortSignal.timeout(10_000),
        });
        if (!response.ok) throw new Error(`incident webhook answered ${response.status} ${response.statusText}`);
        await incidents.markWebhookDelivered(row.id);
      }
      return { incidentId };
    }),

    closeIncidentReview: permanent(
      async (input: { requestId: string; reviewedBy: string; notes?: string; eventId: string }): Promise<void> => {
        const incident = await incidents.closeReview(input.requestId, input.reviewedBy);
        if (!incident) throw new NotFoundError(`no incident for break-glass request ${input.requestId}`);
        await audit.recordOnce(input.eventId, {
          actor: input.reviewedBy,
          action: 'break-glass.review',
          entityKind: incident.entryKey ? 'flag' : undefined,
          entityKey: incident.entryKey ?? undefined,
          environment: incident.environment ?? undefined,
          requestId: input.requestId,
          reason: input.notes,
          detail: { incidentId: incident.id, breakGlassActor: incident.actor },
        });
      },
    ),
  };
}
