import type { ConfigEntry } from '../core/model/config-entry.js';
import type { ChangeRequestState } from '../core/workflow-states.js';
import { ACTION } from './action-ids.js';
import { workflowIds } from '../core/workflow-ids.js';
import { actions, button, code, context, fields, section, type Block, type Message } from './blocks.js';
import { withConsoleLink, type ConsoleLinks } from './console-link.js';
import { formatTime, who } from './format.js';

export type { HistoryRow, VersionView } from './views.js';
import type { HistoryRow, VersionView } from './views.js';

/** A refusal or a bad command: first line is the problem, the rest (usage) goes small below it. */
export function renderError(message: string): Message {
  const [problem, ...rest] = message.split('\n');
  const blocks: Block[] = [section(`:warning: ${problem}`)];
  if (rest.length) blocks.push(context(rest.map((line) => (line.startsWith('/') ? code(line) : line)).join('\n')));
  return { text: message, blocks };
}

export function renderNotice(text: string, detail?: string): Message {
  return { text: detail ? `${text}\n${detail}` : text, blocks: [section(text), ...(detail ? [context(detail)] : [])] };
}

export function renderHelp(usage: string): Message {
  return {
    text: usage,
    blocks: [
      section(
        `*Usage*\n${usage
          .split('\n')
          .map((line) => code(line))
          .join('\n')}`,
      ),
    ],
  };
}

// `/flag show` and `/flag list` live in ./flags.ts; re-exported for the importers of this module.
export { renderFlag, renderFlagList } from './flags.js';

export function renderHistory(key: string, rows: HistoryRow[]): Message {
  if (!rows.length) return renderNotice(`No recorded changes of ${code(key)}.`);
  const lines = rows.map((r) => {
    const parts = [
      `${formatTime(r.occurredAt)}`,
      `*${r.action}*`,
      r.environment && `in ${r.environment}`,
      `by ${who(r.actor)}`,
    ];
    if (r.onBehalfOf) parts.push(`for ${who(r.onBehalfOf)}`);
    if (r.approvedBy) parts.push(`approved by ${who(r.approvedBy)}`);
    if (r.reason) parts.push(`— ${r.reason}`);
    // The id `/change revert` takes: the request's (every stage of a rollout shares it), else the change's own.
    const id = r.requestId ?? r.changeId;
    if (id) parts.push(`(${code(id)})`);
    return `• ${parts.filter(Boolean).join(' ')}`;
  });
  return {
    text: `History of ${key}: ${rows.length} change(s)`,
    blocks: [section(`*History of ${code(key)}* (newest first)`), section(lines.join('\n'))],
  };
}

export function renderConfig(
  entry: VersionView<ConfigEntry>,
  resolved: { where: string; value?: unknown; scope?: string; missing?: string },
): Message {
  const doc = entry.document;
  const value = doc.secret
    ? '_secret: not shown in chat_'
    : resolved.missing
      ? `_${resolved.missing}_`
      : code(JSON.stringify(resolved.value));
  const blocks: Block[] = [
    section(
      `*${doc.key}* (${doc.valueType}${doc.secret ? ', secret' : ''}) ${resolved.where}: ${value}${resolved.scope ? ` (from the ${resolved.scope} value)` : ''}`,
    ),
  ];
  if (!doc.secret && doc.scopes.length) {
    blocks.push(
      context(
        `Global ${doc.value === undefined ? 'unset' : code(JSON.stringify(doc.value))}; scoped: ${doc.scopes
          .map(
            (s) =>
              `${[s.env, s.tenant && `tenant ${s.tenant}`, s.user && `user ${s.user}`].filter(Boolean).join('/')}=${JSON.stringify(s.value)}`,
          )
          .join(', ')}`,
      ),
    );
  }
  blocks.push(
    context(`Version ${entry.version}, last changed by ${who(entry.createdBy)} at ${formatTime(entry.createdAt)}`),
  );
  return {
    text: `${doc.key} ${resolved.where}: ${doc.secret ? '(secret)' : (resolved.missing ?? JSON.stringify(resolved.value))}`,
    blocks,
  };
}

/** What the risk reasons explain: a second person for a risky change, applying at once for an emergency one. */
export function whyLabel(classification: ChangeRequestState['classification']): string {
  return classification === 'emergency' ? 'Why break-glass' : classification === 'risky' ? 'Why 4-eyes' : 'Why';
}

const STATUS_LINE: Record<ChangeRequestState['status'], string> = {
  validating: ':hourglass_flowing_sand: being checked',
  awaiting_approval: ':hourglass_flowing_sand: *awaiting approval* by another eligible person',
  approved: ':hourglass_flowing_sand: approved, being applied',
  applying: ':hourglass_flowing_sand: being applied',
  applied: ':white_check_mark: *applied*',
  rejected: ':no_entry: *rejected*',
  expired: ':hourglass: *expired*: nobody decided in time',
  conflict: ':warning: *conflict*: not applied',
  refused: ':no_entry_sign: *refused*',
  failed: ':x: *failed*',
};

/**
 * A change request's state as the requester or a decider sees it: applied, refused, awaiting
 * approval (with the buttons when asked, so `/change show` is a second way to reach them) …,
 * and with `consoleUrl` a link to its console page.
 */
export function renderChangeState(
  state: ChangeRequestState,
  workflowId: string,
  options: { buttons?: boolean } & ConsoleLinks = {},
): Message {
  const still = ['validating', 'approved', 'applying'].includes(state.status);
  const blocks: Block[] = [
    section(
      `Change ${code(state.requestId)}: ${STATUS_LINE[state.status]}${still ? ' (still running: `/change show` for the outcome)' : ''}`,
    ),
  ];
  if (state.summary) blocks.push(section(`*Change*\n\`\`\`${state.summary}\`\`\``));
  blocks.push(
    fields([
      ['Requested by', who(state.requester)],
      ['Classification', state.classification],
      [
        'Decided by',
        state.decidedBy && `${who(state.decidedBy)}${state.decidedAt ? ` at ${formatTime(state.decidedAt)}` : ''}`,
      ],
      ['Version', state.appliedVersion],
      ['Expires', state.status === 'awaiting_approval' ? formatTime(state.expiresAt) : undefined],
    ]),
  );
  if (state.riskReasons.length)
    blocks.push(context(`${whyLabel(state.classification)}: ${state.riskReasons.join('; ')}`));
  if (state.rejectionReason) blocks.push(context(`Rejection reason: ${state.rejectionReason}`));
  // A rejection's message repeats its reason, shown just above.
  if (state.message && !state.rejectionReason) blocks.push(context(state.message));
  if (state.status === 'awaiting_approval' && options.buttons) {
    blocks.push(
      actions(
        button(ACTION.approve, 'Approve', workflowId, 'primary'),
        button(ACTION.reject, 'Reject', workflowId, 'danger'),
      ),
    );
  }
  const text = [`Change ${state.requestId}: ${state.status.replace('_', ' ')}`, state.summary, state.message]
    .filter(Boolean)
    .join(' — ');
  // The console's page is a change request's: a break-glass change has none.
  return workflowId === workflowIds.changeRequest(state.requestId)
    ? withConsoleLink({ text, blocks }, state.requestId, options)
    : { text, blocks };
}

export function renderChangeList(
  items: Array<{ workflowId: string; state?: ChangeRequestState; startedAt?: string }>,
): Message {
  if (!items.length) return renderNotice('No change requests are open.');
  const lines = items.map(({ workflowId, state, startedAt }) =>
    state
      ? `• ${code(state.requestId)} ${state.status.replace('_', ' ')} — ${state.summary ?? '…'} (by ${who(state.requester)}${startedAt ? `, ${formatTime(startedAt)}` : ''})`
      : `• ${code(workflowId)} (state unavailable)`,
  );
  return {
    text: `${items.length} open change request(s)`,
    blocks: [
      section(`*${items.length} open change request(s)*`),
      section(lines.join('\n')),
      context('`/change show <id>` for one, with its buttons'),
    ],
  };
}
