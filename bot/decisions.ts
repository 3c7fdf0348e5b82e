import type { Client } from '@temporalio/client';
import { ValidationError } from '../core/errors.js';
import { approveUpdate, breakGlassStateQuery, changeRequestStateQuery, rejectUpdate, reviewUpdate } from '../workflows/contracts.js';
import { renderChangeState, renderNotice } from '../render/replies.js';
import type { Message } from '../render/blocks.js';
import { isNotFound, userMessageOf } from './temporal-errors.js';

/** A decision the workflow refused: the clicker reads the workflow's own reason. */
export class DecisionRefused extends ValidationError {}

async function finishedState(client: Client, workflowId: string, breakGlass: boolean): Promise<string | undefined> {
  const handle = client.workflow.getHandle(workflowId);
  const state = breakGlass ? await handle.query(breakGlassStateQuery).catch(() => undefined) : await handle.query(changeRequestStateQuery).catch(() => undefined);
  return state?.status.replace('_', ' ');
}

async function refusal(client: Client, workflowId: string, err: unknown, breakGlass: boolean): Promise<DecisionRefused> {
  if (isNotFound(err)) {
    // Updates cannot reach a finished workflow; say how it ended instead of "not found".
    const status = await finishedState(client, workflowId, breakGlass);
    return new DecisionRefused(status ? `this ${breakGlass ? 'break-glass change' : 'change request'} is already ${status}` : `there is no ${breakGlass ? 'break-glass change' : 'change request'} \`${workflowId}\``);
  }
  return new DecisionRefused(userMessageOf(err));
}

/**
 * Approves or rejects a change request as `user` through the workflow's update: the answer is
 * the outcome (applied, conflict …) or the workflow's refusal (self-approval, not eligible).
 */
export async function decideChange(client: Client, workflowId: string, decision: { approve: boolean; user: string; reason?: string }): Promise<Message> {
  if (!decision.approve && !decision.reason?.trim()) throw new ValidationError('a rejection needs a reason (Slack asks in a dialog; in the console type `click N <reason>`)');
  const handle = client.workflow.getHandle(workflowId);
  try {
    const state = await handle.executeUpdate(decision.approve ? approveUpdate : rejectUpdate, { args: [{ user: decision.user, reason: decision.reason }] });
    return renderChangeState(state, workflowId);
  } catch (err) {
    throw await refusal(client, workflowId, err, false);
  }
}

/** Marks a break-glass change reviewed as `user` (never the person who made it). */
export async function reviewBreakGlass(client: Client, workflowId: string, review: { user: string; notes?: string }): Promise<Message> {
  try {
    const state = await client.workflow.getHandle(workflowId).executeUpdate(reviewUpdate, { args: [{ user: review.user, reason: review.notes }] });
    return renderNotice(`:white_check_mark: Break-glass change \`${state.requestId}\` reviewed by ${review.user}${state.incidentId ? ` (incident ${state.incidentId})` : ''}.`);
  } catch (err) {
    throw await refusal(client, workflowId, err, true);
  }
}
