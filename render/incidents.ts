import { workflowIds } from '../core/workflow-ids.js';
import { ACTION } from './action-ids.js';
import { actions, button, context, fields, header, section, type Block, type Message } from './blocks.js';
import { formatTime, who } from './format.js';

/** What a reply shows of one break-glass incident (storage/incident-reads.ts has these fields). */
export interface IncidentFacts {
  incidentId: string;
  requestId: string;
  actor: string;
  summary: string;
  reason: string;
  env?: string;
  openedAt: string;
  reviewDueAt?: string;
  reviewedBy?: string;
  reviewedAt?: string;
}

function status(i: IncidentFacts, now: Date): string {
  if (i.reviewedBy) return `reviewed by ${who(i.reviewedBy)}`;
  if (i.reviewDueAt && Date.parse(i.reviewDueAt) < now.getTime())
    return `*review overdue* (was due ${formatTime(i.reviewDueAt)})`;
  return `awaiting review${i.reviewDueAt ? ` (due ${formatTime(i.reviewDueAt)})` : ''}`;
}

export function renderIncidentList(incidents: IncidentFacts[], options: { open: boolean; now: Date }): Message {
  const what = options.open ? 'open incidents' : 'incidents';
  if (!incidents.length) {
    const text = options.open
      ? 'No open incidents: every break-glass change has been reviewed.'
      : 'No incidents: nobody has broken glass yet.';
    return { text, blocks: [section(text)] };
  }
  const lines = incidents.map(
    (i) =>
      `*${i.incidentId}* ${i.summary} — broke glass: ${who(i.actor)} at ${formatTime(i.openedAt)}; ${status(i, options.now)}`,
  );
  return {
    text: `${incidents.length} ${what}`,
    blocks: [
      section(`*${incidents.length} ${what}*, newest first`),
      section(lines.join('\n')),
      context('`/incident show <id>` for one; `/incident review <id> --notes "…"` to review it'),
    ],
  };
}

/** One incident; an unreviewed one carries the same Review button as its notification. */
export function renderIncident(i: IncidentFacts, now: Date): Message {
  const blocks: Block[] = [
    header(`${i.incidentId}: break-glass change`),
    section(i.summary),
    fields([
      ['Broke glass', who(i.actor)],
      ['Environment', i.env],
      ['Opened', formatTime(i.openedAt)],
      ['Status', status(i, now)],
      ['Reviewed', formatTime(i.reviewedAt)],
      ['Request', i.requestId],
    ]),
    context(`Why: ${i.reason}`),
  ];
  if (!i.reviewedBy)
    blocks.push(
      actions(button(ACTION.breakGlassReview, 'Mark reviewed', workflowIds.breakGlass(i.requestId), 'primary')),
    );
  return {
    text: `${i.incidentId}: ${i.summary} (${i.reviewedBy ? `reviewed by ${i.reviewedBy}` : 'awaiting review'})`,
    blocks,
  };
}
