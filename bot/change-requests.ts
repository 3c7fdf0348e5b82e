import type { Client, WorkflowHandle } from '@temporalio/client';
import type { Command } from '../core/command/schema.js';
import { startChangeRequest } from '../workflows/starters.js';
import { changeRequestStateQuery, type ChangeRequestState, type ReplyTarget } from '../workflows/contracts.js';
import { renderChangeState, renderNotice } from './render/replies.js';
import type { Message } from './render/blocks.js';

/** Commands the change-request workflow plans and applies (activities' prepareChange accepts these). */
export const CHANGE_COMMANDS = new Set<string>([
  'flag.create',
  'flag.on',
  'flag.off',
  'flag.serve',
  'flag.kill',
  'flag.rule.add',
  'flag.rule.remove',
  'flag.override',
  'flag.rollout',
  'flag.break-glass',
  'config.set',
  'change.role.grant',
  'change.role.revoke',
  'change.revert',
]);

const SETTLED: ReadonlySet<ChangeRequestState['status']> = new Set(['awaiting_approval', 'applied', 'rejected', 'expired', 'conflict', 'refused', 'failed']);

export interface ChangeRequestDeps {
  client: Client;
  taskQueue: string;
  /** How long to wait for a standard change to finish before answering "still running". */
  waitMs: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls the state query (not `result()`, which a risky request would block for a day). */
async function settledState(handle: WorkflowHandle, waitMs: number): Promise<ChangeRequestState | undefined> {
  const deadline = Date.now() + waitMs;
  let last: ChangeRequestState | undefined;
  do {
    // Until the worker has picked up the first task the query fails; that is "not yet", not an error.
    last = await handle.query(changeRequestStateQuery).catch(() => last);
    if (last && SETTLED.has(last.status)) return last;
    await sleep(150);
  } while (Date.now() < deadline);
  return last;
}

/**
 * Starts (or, for a retried request id, finds) the change request for a command and reports how
 * it went: applied / refused / conflict within `waitMs`, or that it awaits a second person.
 */
export async function requestChange(
  deps: ChangeRequestDeps,
  input: { user: string; requestId: string; command: Command; replyTo: ReplyTarget },
): Promise<Message> {
  const reason = 'reason' in input.command ? input.command.reason : undefined;
  const handle = await startChangeRequest(
    deps.client,
    { requestId: input.requestId, requester: input.user, command: input.command as Command & Record<string, unknown>, reason, replyTo: input.replyTo },
    deps.taskQueue,
  );
  const state = await settledState(handle, deps.waitMs);
  if (!state) {
    return renderNotice(`Change request \`${input.requestId}\` started; it has not been picked up yet.`, `Is a worker running on task queue ${deps.taskQueue}? \`/change show ${input.requestId}\` for its state.`);
  }
  return renderChangeState(state, handle.workflowId);
}
