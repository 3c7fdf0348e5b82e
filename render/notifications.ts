import type { NotificationEvent } from '../core/notifications.js';
import { workflowIds } from '../core/workflow-ids.js';
import { ACTION } from './action-ids.js';
import { actions, button, code, context, fields, header, section, type Block, type Message } from './blocks.js';
import { withConsoleLink, type ConsoleLinks } from './console-link.js';
import { formatTime, scopeOf, who } from './format.js';
import { renderRollout } from './rollout.js';

export type { ConsoleLinks } from './console-link.js';

type Of<K extends NotificationEvent['kind']> = Extract<NotificationEvent, { kind: K }>;
type ChangeEvent = Of<
  'change_applied' | 'approval_requested' | 'change_rejected' | 'change_expired' | 'change_conflict' | 'change_stopped'
>;

/** The summary the plan wrote (`key in env: old → new`), shown as the diff. */
function diff(summary: string): Block {
  return section(`*Change*\n\`\`\`${summary}\`\`\``);
}

function changeFields(e: ChangeEvent): Block {
  return fields([
    ['Entry', code(e.entryKey)],
    ['Scope', scopeOf(e)],
    ['Requested by', who(e.requester)],
    ['Request', code(e.requestId)],
  ]);
}

function approvalRequested(e: Of<'approval_requested'>): Message {
  const blocks: Block[] = [
    header(`Approval needed: ${e.action} ${e.entryKey}`),
    diff(e.summary),
    changeFields(e),
    section(`*Why it needs a second person*\n${e.riskReasons.map((r) => `• ${r}`).join('\n') || '• risky change'}`),
    section(`*Justification*\n${e.reason ?? '_none given_'}`),
    context(`Expires ${formatTime(e.expiresAt)} · the requester cannot approve it`),
    actions(
      button(ACTION.approve, 'Approve', e.workflowId, 'primary'),
      button(ACTION.reject, 'Reject', e.workflowId, 'danger'),
    ),
  ];
  return { text: `Approval needed for ${e.requester}'s change: ${e.summary}`, blocks };
}

function outcome(e: ChangeEvent, icon: string, headline: string, detail?: string): Message {
  const blocks: Block[] = [section(`${icon} ${headline}`), diff(e.summary), changeFields(e)];
  if (detail) blocks.push(context(detail));
  return { text: `${headline.replaceAll('*', '')}: ${e.summary}`, blocks };
}

function review(
  e: Of<'incident_opened' | 'review_reminder' | 'review_escalation'>,
  headline: string,
  extra: string[] = [],
): Message {
  const blocks: Block[] = [
    section(headline),
    section(`*Change*\n\`\`\`${e.summary}\`\`\``),
    fields([
      ['Incident', code(e.incidentId)],
      ['Made by', who(e.actor)],
      ['Review due', formatTime(e.reviewDueAt)],
      ['Request', code(e.requestId)],
    ]),
    ...extra.map((line) => context(line)),
    actions(button(ACTION.breakGlassReview, 'Mark reviewed', workflowIds.breakGlass(e.requestId), 'primary')),
  ];
  return { text: `${headline.replaceAll('*', '')}: ${e.summary}`, blocks };
}

/**
 * Every control-plane notification as a Block Kit message. Pure: the same event always renders
 * the same message, so a redelivered outbox row looks the same. With `links.consoleUrl`, each
 * message about a change request links to that request's page in the web console.
 */
export function renderNotification(event: NotificationEvent, links: ConsoleLinks = {}): Message {
  const message = renderEvent(event);
  return isAboutChangeRequest(event) ? withConsoleLink(message, event.requestId, links) : message;
}

// Only the change-request workflow sends these. A refusal is left out: break-glass sends it too,
// and a request refused before it ever waited has nothing to show beyond the refusal itself.
const CHANGE_REQUEST_EVENTS: ReadonlySet<NotificationEvent['kind']> = new Set([
  'approval_requested',
  'change_applied',
  'change_rejected',
  'change_expired',
  'change_conflict',
  'change_stopped',
]);
const isAboutChangeRequest = (event: NotificationEvent): event is ChangeEvent => CHANGE_REQUEST_EVENTS.has(event.kind);

function renderEvent(event: NotificationEvent): Message {
  switch (event.kind) {
    case 'approval_requested':
      return approvalRequested(event);
    case 'change_applied':
      return outcome(
        event,
        ':white_check_mark:',
        `*Applied* (version ${event.version}) by ${who(event.actor)}${event.approvedBy ? `, approved by ${who(event.approvedBy)}` : ''}`,
        event.reason && `Reason: ${event.reason}`,
      );
    case 'change_rejected':
      return outcome(event, ':no_entry:', `*Rejected* by ${who(event.rejectedBy)}`, `Reason: ${event.rejectionReason}`);
    case 'change_expired':
      return outcome(
        event,
        ':hourglass:',
        `*Expired* unapproved at ${formatTime(event.expiredAt)}`,
        'Nothing was changed.',
      );
    case 'change_conflict':
      return outcome(event, ':warning:', '*Conflict*: not applied', event.message);
    case 'change_stopped':
      return outcome(
        event,
        ':no_entry_sign:',
        `*Not applied*: refused when it was to take effect${event.approvedBy ? ` (approved by ${who(event.approvedBy)})` : ''}`,
        event.message,
      );
    case 'change_refused':
      return {
        text: `Change ${event.requestId} refused: ${event.message}`,
        blocks: [
          section(`:no_entry_sign: *Refused* (${event.code.toLowerCase()}): ${event.message}`),
          context(`Request ${code(event.requestId)} by ${who(event.requester)}`),
        ],
      };
    case 'rollout_progress':
      return renderRollout({
        workflowId: workflowIds.rollout(event.flagKey, event.env),
        flagKey: event.flagKey,
        env: event.env,
        variation: event.variation,
        status: event.stageIndex + 1 >= event.stageCount ? 'completed' : 'baking',
        stage: event.stage,
        stageIndex: event.stageIndex,
        stageCount: event.stageCount,
        nextStepAt: event.nextStepAt,
        message: `Requested by ${who(event.requester)}`,
      });
    case 'rollout_finished': {
      const icon = event.outcome === 'completed' ? ':white_check_mark:' : ':leftwards_arrow_with_hook:';
      return {
        text: `Rollout of ${event.flagKey} (${event.variation}) in ${event.env} ${event.outcome.replace('_', ' ')}: ${event.message}`,
        blocks: [
          section(
            `${icon} Rollout of ${code(event.flagKey)} → ${code(event.variation)} in *${event.env}* ${event.outcome.replace('_', ' ')}`,
          ),
          context(`${event.message} · by ${who(event.by)}`),
        ],
      };
    }
    case 'guardrail_breach':
      return {
        text: `Guardrail breached on ${event.flagKey} in ${event.env}: ${event.metric} ${event.value} > ${event.threshold}; ${event.response.replace('_', ' ')}`,
        blocks: [
          section(`:rotating_light: *Guardrail breached* on ${code(event.flagKey)} in *${event.env}*`),
          fields([
            ['Metric', code(event.metric)],
            ['Value', `${event.value} (threshold ${event.threshold})`],
            ['Response', event.response === 'killed' ? 'flag killed by the system' : 'rolled back to 0 %'],
          ]),
        ],
      };
    case 'incident_opened':
      return review(event, `:rotating_light: *Break-glass* by ${who(event.actor)}: applied at once`, [
        `Reason: ${event.reason}`,
        'Someone else must review it before the deadline.',
      ]);
    case 'review_reminder':
      return review(
        event,
        `:alarm_clock: *Review reminder*: break-glass change by ${who(event.actor)} is still unreviewed`,
      );
    case 'review_escalation':
      return review(
        event,
        `:sos: *Escalation*: the review deadline of a break-glass change by ${who(event.actor)} has passed`,
      );
    case 'review_done':
      return {
        text: `Break-glass change ${event.requestId} reviewed by ${event.reviewedBy}`,
        blocks: [
          section(
            `:white_check_mark: Break-glass change ${code(event.requestId)} by ${who(event.actor)} *reviewed* by ${who(event.reviewedBy)}`,
          ),
          ...(event.notes ? [context(`Notes: ${event.notes}`)] : []),
        ],
      };
    case 'stale_flags': {
      const lines = event.flags.map(
        (f) =>
          `• ${code(f.key)} (${f.kind}, owner ${f.owner}): ${f.why === 'expired' ? `expired ${f.expiry}` : `created ${f.createdAt?.slice(0, 10) ?? 'long ago'}`}`,
      );
      return {
        text: `${event.flags.length} stale flag(s)`,
        blocks: [
          section(`:broom: *${event.flags.length} stale flag(s)*: remove them or extend their expiry`),
          section(lines.join('\n') || '_none_'),
        ],
      };
    }
  }
}
