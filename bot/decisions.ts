import type { Client } from '@temporalio/client';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError, type SwitchyardError } from '../core/errors.js';
import {
  approveUpdate,
  breakGlassStateQuery,
  changeRequestStateQuery,
  rejectUpdate,
  reviewUpdate,
} from '../workflows/contracts.js';
import { renderChangeState, renderNotice } from '../render/replies.js';
import type { Message } from '../render/blocks.js';
import type { ConsoleLinks } from '../render/console-link.js';
import { failureTypeOf, isNotFound, userMessageOf } from './temporal-errors.js';

async function finishedState(client: Client, workflowId: string, breakGlass: boolean): Promise<string | undefined> {
  const handle = client.workflow.getHandle(workflowId);
  const state = breakGlass
    ? await handle.query(breakGlassStateQuery).catch(() => undefined)
    : await handle.query(changeRequestStateQuery).catch(() => undefined);
  return state?.status.replace('_', ' ');
}

/**
 * The workflow's refusal as the error of its kind, in the workflow's own words: no right to decide
 * (self-approval, no role) is Forbidden, a request decided or no longer pending is a Conflict.
 */
async function refusal(
  client: Client,
  workflowId: string,
  err: unknown,
  breakGlass: boolean,
): Promise<SwitchyardError> {
  const what = breakGlass ? 'break-glass change' : 'change request';
  if (isNotFound(err)) {
    // Updates cannot reach a finished workflow; say how it ended instead of "not found".
    const status = await finishedState(client, workflowId, breakGlass);
    return status
      ? new ConflictError(`this ${what} is already ${status}`)
      : new NotFoundError(`there is no ${what} \`${workflowId}\``);
  }
  const message = userMessageOf(err);
  switch (failureTypeOf(err)) {
    case 'FORBIDDEN':
      return new ForbiddenError(message);
    case 'DECIDED':
    case 'CONFLICT':
      return new ConflictError(message);
    case 'NOT_FOUND':
      return new NotFoundError(message);
    default:
      return new ValidationError(message);
  }
}

/**
 * Approves or rejects a change request as `user` through the workflow's update: the answer is
 * the outcome (applied, conflict …) or the workflow's refusal (self-approval, not eligible).
 */
export async function decideChange(
  client: Client,
  workflowId: string,
  decision: { approve: boolean; user: string; reason?: string },
  links: ConsoleLinks = {},
): Promise<Message> {
  if (!decision.approve && !decision.reason?.trim())
    throw new ValidationError(
      'a rejection needs a reason (Slack asks in a dialog; in the console type `click N <reason>`)',
    );
  const handle = client.workflow.getHandle(workflowId);
  try {
    const state = await handle.executeUpdate(decision.approve ? approveUpdate : rejectUpdate, {
      args: [{ user: decision.user, reason: decision.reason }],
    });
    return renderChangeState(state, workflowId, links);
  } catch (err) {
    throw await refusal(client, workflowId, err, false);
  }
}

/** Marks a break-glass change reviewed as `user` (never the person who made it). */
export async function reviewBreakGlass(
  client: Client,
  workflowId: string,
  review: { user: string; notes?: string },
): Promise<Message> {
  try {
    const state = await client.workflow
      .getHandle(workflowId)
      .executeUpdate(reviewUpdate, { args: [{ user: review.user, reason: review.notes }] });
    return renderNotice(
      `:white_check_mark: Break-glass change \`${state.requestId}\` reviewed by ${review.user}${state.incidentId ? ` (incident ${state.incidentId})` : ''}.`,
    );
  } catch (err) {
    throw await refusal(client, workflowId, err, true);
  }
}
