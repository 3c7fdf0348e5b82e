import type { Client } from '@temporalio/client';
import { canReadAll, environmentRead, type ReadScope } from '../../core/read-access.js';
import {
  changeRequestStateQuery,
  rolloutStateQuery,
  type ChangeRequestState,
  type RolloutState,
} from '../../workflows/contracts.js';
import { ACTION } from '../../render/action-ids.js';
import { actions, button, code, context, divider, header, section, type Block } from '../../render/blocks.js';
import { formatTime, who } from '../../render/format.js';
import { renderRollout, rolloutViewOfState } from '../../render/rollout.js';
import { whyLabel } from '../../render/replies.js';

export interface OpenChange {
  workflowId: string;
  state: ChangeRequestState;
}
export interface RunningRollout {
  workflowId: string;
  state: RolloutState;
}

/** What App Home shows `user`, read from live workflows at the moment the tab opens: only what the user may read. */
export interface HomeSource {
  openChanges(user: string): Promise<OpenChange[]>;
  runningRollouts(user: string): Promise<RunningRollout[]>;
}

const LIMIT = 30;

/**
 * Reads App Home's lists from Temporal visibility (running change-request and rollout workflows)
 * and each one's state query: the workflows are the source of truth for what is still pending,
 * so there is no second table to keep in step. Each list keeps what the user's read scope (its
 * live bindings, `scopeOf`) covers, as `/change list` does: someone with no role sees none.
 */
export function temporalHomeSource(client: Client, scopeOf: (user: string) => Promise<ReadScope>): HomeSource {
  async function running<S>(type: string, read: (workflowId: string) => Promise<S>) {
    const found: Array<{ workflowId: string; state: S }> = [];
    for await (const wf of client.workflow.list({
      query: `WorkflowType = '${type}' AND ExecutionStatus = 'Running'`,
      pageSize: LIMIT,
    })) {
      // A workflow its worker has not picked up yet cannot answer the query: left out this time.
      const state = await read(wf.workflowId).catch(() => undefined);
      if (state) found.push({ workflowId: wf.workflowId, state });
      if (found.length >= LIMIT) break;
    }
    return found;
  }
  return {
    async openChanges(user) {
      const scope = await scopeOf(user);
      const changes = await running('changeRequestWorkflow', (id) =>
        client.workflow.getHandle(id).query(changeRequestStateQuery),
      );
      return changes.filter((c) => canReadAll(scope, c.state.reach ?? [{}]));
    },
    async runningRollouts(user) {
      const scope = await scopeOf(user);
      const rollouts = await running('rolloutWorkflow', (id) => client.workflow.getHandle(id).query(rolloutStateQuery));
      return rollouts.filter((r) => environmentRead(scope, r.state.env));
    },
  };
}

function changeLine(c: OpenChange, mine: boolean): Block[] {
  const s = c.state;
  const blocks: Block[] = [
    section(
      `${code(s.requestId)} ${s.status.replace('_', ' ')}${mine ? '' : ` · requested by ${who(s.requester)}`}\n${s.summary ?? ''}`,
    ),
    context(
      [
        s.riskReasons.length ? `${whyLabel(s.classification)}: ${s.riskReasons.join('; ')}` : '',
        s.expiresAt ? `expires ${formatTime(s.expiresAt)}` : '',
      ]
        .filter(Boolean)
        .join(' · ') || ' ',
    ),
  ];
  if (!mine && s.status === 'awaiting_approval')
    blocks.push(
      actions(
        button(ACTION.approve, 'Approve', c.workflowId, 'primary'),
        button(ACTION.reject, 'Reject', c.workflowId, 'danger'),
      ),
    );
  return blocks;
}

/**
 * The Home tab of `user`: change requests waiting for someone else's approval (eligibility is
 * checked when the button is clicked), the user's own open requests, and running rollouts.
 */
export async function homeView(
  source: HomeSource | undefined,
  user: string,
): Promise<{ type: 'home'; blocks: Block[] }> {
  const blocks: Block[] = [header('Switchyard')];
  if (!source) {
    blocks.push(section('Type `/flag help`, `/config help` or `/change help` to start.'));
    return { type: 'home', blocks };
  }
  const [changes, rollouts] = await Promise.all([source.openChanges(user), source.runningRollouts(user)]);
  const pending = changes.filter((c) => c.state.status === 'awaiting_approval' && c.state.requester !== user);
  const mine = changes.filter((c) => c.state.requester === user);
  blocks.push(section(`*Waiting for your approval* (${pending.length})`));
  blocks.push(...(pending.length ? pending.flatMap((c) => changeLine(c, false)) : [context('Nothing to approve.')]));
  blocks.push(divider(), section(`*Your open change requests* (${mine.length})`));
  blocks.push(...(mine.length ? mine.flatMap((c) => changeLine(c, true)) : [context('None open.')]));
  blocks.push(divider(), section(`*Running rollouts* (${rollouts.length})`));
  blocks.push(
    ...(rollouts.length
      ? rollouts.flatMap((r) => renderRollout(rolloutViewOfState(r.state, r.workflowId)).blocks)
      : [context('None running.')]),
  );
  // Slack refuses views of more than 100 blocks.
  return { type: 'home', blocks: blocks.slice(0, 100) };
}
