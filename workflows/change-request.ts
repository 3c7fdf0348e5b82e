import {
  allHandlersFinished,
  condition,
  patched,
  proxyActivities,
  proxyLocalActivities,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities, PreparedChange } from '../activities/index.js';
import { requestReach } from '../core/change-request.js';
import { spokenDuration } from '../core/duration.js';
import { USER_ERROR_CODES } from '../core/errors.js';
import { activityPresets, localActivityPresets } from './activity-options.js';
import { startBreakGlass } from './start-break-glass.js';
import { acceptDecisions } from './change-request-decisions.js';
import { watchGuardrail } from './guardrail-monitor.js';
import { workflowIds, type ChangeRequestInput, type ChangeRequestState } from './contracts.js';
import { failureCode, failureMessage } from './failures.js';
import { changeFacts, decisionAuditEvent } from './change-request-facts.js';
import { notifySafely } from './notify-safely.js';
import { startRollout } from './start-rollout.js';

const data = proxyActivities<Activities>(activityPresets.dataPlane);
const local = proxyLocalActivities<Activities>(localActivityPresets.dataPlane);

export const DEFAULT_APPROVAL_TIMEOUT_MS = 24 * 3_600_000;

/**
 * One change someone asked for (docs/design.md#change-request): validate → classify → (risky:
 * wait for a second person or expiry) → apply with the version seen at request time → notify.
 * Started with the request id in its workflow id, so a retried Slack request reaches the same
 * workflow. Its query and updates are in change-request-decisions.ts.
 */
export async function changeRequestWorkflow(input: ChangeRequestInput): Promise<ChangeRequestState> {
  const { workflowId } = workflowInfo();
  // The justification may come with the request or inside the parsed command (`--reason`).
  const justification = input.reason ?? (typeof input.command.reason === 'string' ? input.command.reason : undefined);
  const state: ChangeRequestState = {
    requestId: input.requestId,
    status: 'validating',
    riskReasons: [],
    requester: input.requester,
    ...(justification ? { justification } : {}),
  };
  let prepared: PreparedChange | undefined;
  const at = () => new Date().toISOString();
  const facts = () => changeFacts(input, prepared!, justification);
  const decisions = acceptDecisions(input, state, () => prepared);

  /** Decisions that change nothing are still traceable: who said no (or that nobody said yes), and why. */
  const auditDecision = (action: string, actor: string, reason?: string) =>
    data.recordAuditEvent(decisionAuditEvent(workflowId, input, prepared!, state, { action, actor, reason }));
  /** The requester hears why nothing was changed. */
  const notifyRefused = (code: string) =>
    notifySafely({
      kind: 'change_refused',
      id: `${workflowId}:refused`,
      at: at(),
      replyTo: input.replyTo,
      requestId: input.requestId,
      requester: input.requester,
      message: state.message ?? '',
      code,
    });

  const end = async (): Promise<ChangeRequestState> => {
    await condition(allHandlersFinished);
    return state;
  };

  /** A change refused when it was to take effect: both people hear why (the approval message shows it too). */
  const stopBeforeEffect = async (err: unknown) => {
    const code = failureCode(err) ?? 'FAILED';
    state.message = failureMessage(err);
    state.status = code === 'CONFLICT' ? 'conflict' : USER_ERROR_CODES.has(code) ? 'refused' : 'failed';
    await auditDecision('change.stopped', 'system', state.message);
    const event = { id: `${workflowId}:stopped`, at: at(), replyTo: input.replyTo, ...facts(), message: state.message };
    await notifySafely(
      code === 'CONFLICT'
        ? { kind: 'change_conflict', ...event }
        : { kind: 'change_stopped', ...event, approvedBy: decisions.decision?.by },
    );
  };

  // Preparing and applying run as local activities (a request made before this change keeps its activity tasks).
  const steps = patched('local-data-steps') ? local : data;
  // Asked here, in the first workflow task, not where it is used: asked after the prepare step's local
  // activity, its marker failed to replay (a state query on an evicted workflow reported nondeterminism).
  // A request started before this check keeps its history.
  const rejudgeRolloutStart = patched('rollout-start-rejudged');
  try {
    prepared = await steps.prepareChange({
      requestId: input.requestId,
      requester: input.requester,
      command: input.command,
      reason: justification,
    });
  } catch (err) {
    // Anything the user can act on (rights, input, a revert under later changes, an unknown id) is a refusal, not a failure.
    state.status = USER_ERROR_CODES.has(failureCode(err) ?? '') ? 'refused' : 'failed';
    state.message = failureMessage(err);
    await notifyRefused(failureCode(err) ?? 'FAILED');
    return end();
  }
  state.classification = prepared.classification;
  state.riskReasons = prepared.riskReasons;
  state.summary = prepared.plan.summary;
  // Who may read this request later is judged on what it touches (core/read-access.ts).
  state.reach = requestReach(prepared.request);

  if (prepared.classification === 'emergency') {
    await startBreakGlass(input, justification);
    state.status = 'applied';
    state.message = `applied through break-glass (${workflowIds.breakGlass(input.requestId)}); a review by someone else is due`;
    return end();
  }

  if (prepared.classification === 'risky') {
    const timeoutMs = input.approvalTimeoutMs ?? DEFAULT_APPROVAL_TIMEOUT_MS;
    state.status = 'awaiting_approval';
    state.expiresAt = new Date(Date.now() + timeoutMs).toISOString();
    await notifySafely({
      kind: 'approval_requested',
      id: `${workflowId}:approval`,
      at: at(),
      replyTo: input.replyTo,
      ...facts(),
      riskReasons: state.riskReasons,
      expiresAt: state.expiresAt,
      workflowId,
    });
    const decided = await condition(() => decisions.decision !== undefined, timeoutMs);
    if (!decided) {
      state.status = 'expired';
      state.message = `nobody approved it within ${spokenDuration(timeoutMs)}; nothing was changed`;
      await auditDecision('change.expired', 'system', state.message);
      await notifySafely({
        kind: 'change_expired',
        id: `${workflowId}:expired`,
        at: at(),
        replyTo: input.replyTo,
        ...facts(),
        expiredAt: at(),
      });
      return end();
    }
    const decision = decisions.decision!;
    if (!decision.approved) {
      state.status = 'rejected';
      state.message = `rejected by ${decision.by}: ${decision.reason}`;
      await auditDecision('change.rejected', decision.by, decision.reason);
      await notifySafely({
        kind: 'change_rejected',
        id: `${workflowId}:rejected`,
        at: at(),
        replyTo: input.replyTo,
        ...facts(),
        rejectedBy: decision.by,
        rejectionReason: decision.reason ?? '',
      });
      return end();
    }
  }

  state.status = 'applying';
  const plan = prepared.plan;
  if (plan.rollout) {
    // Judged again as it starts (docs/design.md#re-judge-at-the-point-of-effect).
    if (rejudgeRolloutStart) {
      try {
        await steps.authorizeRolloutStart({
          actor: input.requester,
          plan,
          request: prepared.request,
          approvedBy: decisions.decision?.by,
        });
      } catch (err) {
        await stopBeforeEffect(err);
        return end();
      }
    }
    const rollout = await startRollout({ ...plan, rollout: plan.rollout }, input, {
      approvedBy: decisions.decision?.by,
      reason: justification,
    });
    state.status = rollout.started ? 'applied' : 'refused';
    state.message = rollout.message;
    if (!rollout.started) {
      await notifyRefused('CONFLICT');
    }
    return end();
  }

  try {
    const applied = await steps.applyPlannedChange({
      changeId: `${workflowId}:apply`,
      actor: input.requester,
      plan,
      request: prepared.request,
      reason: justification,
      approvedBy: decisions.decision?.by,
      requestId: input.requestId,
    });
    state.appliedVersion = applied.version;
    state.status = 'applied';
    // A flag that carries `guardrails.auto_disable` is watched in each environment the change touched.
    if (plan.target?.kind === 'flag' && plan.target.document.guardrails?.auto_disable)
      await watchGuardrail(plan.key, plan.envs);
    await notifySafely({
      kind: 'change_applied',
      id: `${workflowId}:applied`,
      at: at(),
      replyTo: input.replyTo,
      ...facts(),
      version: applied.version,
      approvedBy: decisions.decision?.by,
      actor: input.requester,
    });
  } catch (err) {
    state.message = failureMessage(err);
    if (failureCode(err) === 'CONFLICT') {
      state.status = 'conflict';
      state.message = `${plan.key} changed after this request was made (it was version ${plan.expectedVersion}); nothing was applied — look at the current state and ask again`;
      await notifySafely({
        kind: 'change_conflict',
        id: `${workflowId}:conflict`,
        at: at(),
        replyTo: input.replyTo,
        ...facts(),
        message: state.message,
      });
    } else {
      state.status = USER_ERROR_CODES.has(failureCode(err) ?? '') ? 'refused' : 'failed';
      await notifyRefused(failureCode(err) ?? 'FAILED');
    }
  }
  return end();
}
