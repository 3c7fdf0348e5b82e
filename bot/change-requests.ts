import type { Client } from '@temporalio/client';
import type { Command } from '../core/command/schema.js';
import type { ReplyTarget } from '../workflows/contracts.js';
import { awaitSettled } from './await-settled.js';
import { startChangeRequest } from './workflow-starters.js';
import { renderChangeState, renderNotice } from '../render/replies.js';
import type { Message } from '../render/blocks.js';
import type { ConsoleLinks } from '../render/console-link.js';

export interface ChangeRequestDeps extends ConsoleLinks {
  client: Client;
  taskQueue: string;
  /** How long to wait for a standard change to finish before answering "still running". */
  waitMs: number;
}

/**
 * Starts (or, for a retried request id, finds) the change request for a command and reports how
 * it went: applied / refused / conflict within `waitMs`, or that it awaits a second person.
 */
export async function requestChange(
  deps: ChangeRequestDeps,
  input: { user: string; requestId: string; command: Command; replyTo: ReplyTarget; reason?: string },
): Promise<Message> {
  // A sealed secret's justification comes from its dialog; every other command carries `--reason`.
  const reason = input.reason ?? ('reason' in input.command ? input.command.reason : undefined);
  const handle = await startChangeRequest(
    deps.client,
    {
      requestId: input.requestId,
      requester: input.user,
      command: input.command as Command & Record<string, unknown>,
      reason,
      replyTo: input.replyTo,
    },
    deps.taskQueue,
  );
  const state = await awaitSettled(handle, deps.waitMs);
  if (!state) {
    return renderNotice(
      `Change request \`${input.requestId}\` started; it has not been picked up yet.`,
      `Is a worker running on task queue ${deps.taskQueue}? \`/change show ${input.requestId}\` for its state.`,
    );
  }
  return renderChangeState(state, handle.workflowId, { consoleUrl: deps.consoleUrl });
}
