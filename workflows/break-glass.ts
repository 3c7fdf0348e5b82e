import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { activityPresets } from './activity-options.js';
import {
  SELF_REVIEW_MESSAGE,
  breakGlassStateQuery,
  reviewUpdate,
  type BreakGlassInput,
  type BreakGlassState,
} from './contracts.js';
import { asCallerFailure, failureCode, failureMessage } from './failures.js';
import { notifySafely } from './notify-safely.js';

const data = proxyActivities<Activities>(activityPresets.dataPlane);
const incidents = proxyActivities<Activities>(activityPresets.incident);

export const DEFAULT_REVIEW_DUE_MS = 24 * 3_600_000;
export const DEFAULT_REMIND_BEFORE_MS = [4 * 3_600_000, 3_600_000];

/**
 * Break-glass (docs/design.md#break-glass): the change is applied at once, an incident is opened, and a second
 * person must review it within the deadline — reminded before it, escalated at it, and still
 * waited for afterwards: an unreviewed emergency change never silently closes.
 */
export async function breakGlassWorkflow(input: BreakGlassInput): Promise<BreakGlassState> {
  const { workflowId } = workflowInfo();
  const state: BreakGlassState = {
    requestId: input.requestId,
    status: 'applying',
    actor: input.actor,
    remindersSent: 0,
  };
  let review: { by: string; notes?: string } | undefined;
  const at = () => new Date().toISOString();

  setHandler(breakGlassStateQuery, () => state);
  setHandler(
    reviewUpdate,
    async ({ user, reason }) => {
      try {
        // The environment the change was made in: the reviewer must be an operator there (changes the activity's input only).
        const changedIn = typeof input.command.env === 'string' ? input.command.env : undefined;
        await data.authorizeReviewer({
          reviewer: user,
          actor: input.actor,
          requestId: input.requestId,
          env: changedIn,
        });
      } catch (err) {
        throw asCallerFailure(err);
      }
      if (review) throw ApplicationFailure.nonRetryable(`already reviewed by ${review.by}`, 'DECIDED');
      review = { by: user, notes: reason };
      await condition(() => state.status === 'reviewed');
      return state;
    },
    {
      validator: ({ user }) => {
        if (!user) throw ApplicationFailure.nonRetryable('the reviewing user is missing', 'VALIDATION');
        if (user === input.actor) throw ApplicationFailure.nonRetryable(SELF_REVIEW_MESSAGE, 'FORBIDDEN');
        if (state.status !== 'awaiting_review' && state.status !== 'escalated')
          throw ApplicationFailure.nonRetryable(
            `this break-glass change is ${state.status.replace('_', ' ')}; it takes no review now`,
            'DECIDED',
          );
      },
    },
  );

  let summary: string;
  let entryKey: string;
  let env: string | undefined;
  try {
    const prepared = await data.prepareChange({
      requestId: input.requestId,
      requester: input.actor,
      command: input.command,
      reason: input.reason,
    });
    if (prepared.classification !== 'emergency')
      throw ApplicationFailure.nonRetryable(`${prepared.plan.action} is not a break-glass change`, 'VALIDATION');
    ({ summary, key: entryKey } = prepared.plan);
    env = prepared.plan.envs[0];
    await data.applyPlannedChange({
      changeId: `${workflowId}:apply`,
      actor: input.actor,
      plan: prepared.plan,
      request: prepared.request,
      reason: input.reason,
      requestId: input.requestId,
      breakGlass: true,
    });
  } catch (err) {
    state.status = 'failed';
    state.message = failureMessage(err);
    await notifySafely({
      kind: 'change_refused',
      id: `${workflowId}:refused`,
      at: at(),
      replyTo: input.replyTo,
      requestId: input.requestId,
      requester: input.actor,
      message: state.message,
      code: failureCode(err) ?? 'FAILED',
    });
    await condition(allHandlersFinished);
    return state;
  }

  const dueMs = input.reviewDueMs ?? DEFAULT_REVIEW_DUE_MS;
  const dueAt = Date.now() + dueMs;
  state.reviewDueAt = new Date(dueAt).toISOString();
  const incident = await incidents.openIncident({
    requestId: input.requestId,
    actor: input.actor,
    summary,
    reason: input.reason,
    entryKey,
    env,
    reviewDueAt: state.reviewDueAt,
  });
  state.incidentId = incident.incidentId;
  state.status = 'awaiting_review';
  const reviewFacts = () => ({
    incidentId: incident.incidentId,
    requestId: input.requestId,
    actor: input.actor,
    summary,
    reviewDueAt: state.reviewDueAt!,
  });
  await notifySafely({
    kind: 'incident_opened',
    id: `${workflowId}:incident`,
    at: at(),
    replyTo: input.replyTo,
    ...reviewFacts(),
    reason: input.reason,
  });

  const reminders = [...(input.remindBeforeMs ?? DEFAULT_REMIND_BEFORE_MS)].sort((a, b) => b - a);
  for (const [i, before] of reminders.entries()) {
    const remindAt = dueAt - before;
    if (remindAt <= Date.now()) continue;
    if (await condition(() => review !== undefined, remindAt - Date.now())) break;
    state.remindersSent++;
    await notifySafely({
      kind: 'review_reminder',
      id: `${workflowId}:reminder:${i}`,
      at: at(),
      replyTo: input.replyTo,
      ...reviewFacts(),
    });
  }
  if (!review && !(await condition(() => review !== undefined, Math.max(dueAt - Date.now(), 1)))) {
    state.status = 'escalated';
    await notifySafely({
      kind: 'review_escalation',
      id: `${workflowId}:escalation`,
      at: at(),
      replyTo: input.replyTo,
      ...reviewFacts(),
    });
    await condition(() => review !== undefined);
  }

  await data.closeIncidentReview({
    requestId: input.requestId,
    reviewedBy: review!.by,
    notes: review!.notes,
    eventId: `${workflowId}:reviewed`,
  });
  state.reviewedBy = review!.by;
  state.status = 'reviewed';
  await notifySafely({
    kind: 'review_done',
    id: `${workflowId}:reviewed`,
    at: at(),
    replyTo: input.replyTo,
    incidentId: incident.incidentId,
    requestId: input.requestId,
    actor: input.actor,
    reviewedBy: review!.by,
    notes: review!.notes,
  });
  await condition(allHandlersFinished);
  return state;
}
