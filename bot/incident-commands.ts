import type { Client } from '@temporalio/client';
import type { CommandOf } from '../core/command/schema.js';
import { NotFoundError, ValidationError } from '../core/errors.js';
import { assertCanRead, canRead, type ReadScope } from '../core/read-access.js';
import { workflowIds } from '../core/workflow-ids.js';
import type { Pool } from '../storage/db.js';
import { incidentByNumber, listIncidents, type IncidentView } from '../storage/incident-reads.js';
import type { Message } from '../render/blocks.js';
import { renderIncident, renderIncidentList } from '../render/incidents.js';
import { reviewBreakGlass } from './decisions.js';

export type IncidentCommand = CommandOf<'incident.list' | 'incident.show' | 'incident.review'>;

export interface IncidentDeps {
  client: Client;
  pool: Pool;
  now: () => Date;
  /** What the caller may read (list and show); a review is judged by the break-glass workflow instead. */
  scope?: ReadScope;
}

/** `INC-12`, `inc-12` or `12`: what people copy from the incident notification or the list. */
function incidentNumber(id: string): number {
  const match = /^(?:inc-)?(\d+)$/i.exec(id.trim());
  if (!match) throw new ValidationError(`\`${id}\` is not an incident id: give one like INC-12 (see /incident list)`);
  return Number(match[1]);
}

async function incidentOrThrow(pool: Pool, id: string): Promise<IncidentView> {
  const incident = await incidentByNumber(pool, incidentNumber(id));
  if (!incident) throw new NotFoundError(`there is no incident \`${id}\` (see /incident list)`);
  return incident;
}

function readerOf(deps: IncidentDeps): ReadScope {
  if (!deps.scope) throw new Error('an incident read needs the reader scope (the command handler passes it)');
  return deps.scope;
}

/**
 * `/incident list|show|review`. Reads come from the incidents table; a review goes to the
 * break-glass workflow's review update exactly as the incident's Review button does, so the same
 * rule holds (someone other than who broke glass, with the right to make the change) and the
 * workflow closes the incident and audits the review.
 */
export async function answerIncident(command: IncidentCommand, user: string, deps: IncidentDeps): Promise<Message> {
  switch (command.name) {
    case 'incident.list': {
      // An incident is of the environment glass was broken in; one without an environment, of every one.
      const scope = readerOf(deps);
      const incidents = await listIncidents(deps.pool, { open: command.open });
      return renderIncidentList(
        incidents.filter((i) => canRead(scope, { env: i.env })),
        { open: command.open, now: deps.now() },
      );
    }
    case 'incident.show': {
      const incident = await incidentOrThrow(deps.pool, command.id);
      assertCanRead(readerOf(deps), { env: incident.env });
      return renderIncident(incident, deps.now());
    }
    case 'incident.review': {
      const incident = await incidentOrThrow(deps.pool, command.id);
      if (incident.reviewedBy)
        throw new ValidationError(`${incident.incidentId} is already reviewed by ${incident.reviewedBy}`);
      return reviewBreakGlass(deps.client, workflowIds.breakGlass(incident.requestId), { user, notes: command.notes });
    }
  }
}
