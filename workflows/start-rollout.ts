import { ParentClosePolicy, startChild } from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { PreparedChange } from '../activities/index.js';
import { workflowIds, type ChangeRequestInput } from './contracts.js';
import { rolloutWorkflow } from './rollout.js';

type RolloutPlan = PreparedChange['plan'] & { rollout: NonNullable<PreparedChange['plan']['rollout']> };

/**
 * Starts the rollout a change request planned, as a child that outlives it; one rollout per flag
 * and environment, so a second one is refused while the first runs.
 */
export async function startRollout(
  plan: RolloutPlan,
  input: ChangeRequestInput,
  facts: { approvedBy?: string; reason?: string },
): Promise<{ started: true; message: string } | { started: false; message: string }> {
  const { rollout } = plan;
  const workflowId = workflowIds.rollout(plan.key, rollout.env);
  try {
    await startChild(rolloutWorkflow, {
      workflowId,
      args: [
        {
          rolloutId: input.requestId,
          flagKey: plan.key,
          env: rollout.env,
          variation: rollout.variation,
          stages: rollout.stages,
          cohorts: rollout.cohorts,
          bakeMs: rollout.bakeMs,
          fromPercent: rollout.fromPercent,
          requester: input.requester,
          approvedBy: facts.approvedBy,
          reason: facts.reason,
          replyTo: input.replyTo,
        },
      ],
      // The rollout outlives this request by hours or days.
      parentClosePolicy: ParentClosePolicy.ABANDON,
    });
    return { started: true, message: `rollout started (${workflowId})` };
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    return {
      started: false,
      message: `a rollout of ${plan.key} in ${rollout.env} is already running: pause, promote or abort it first`,
    };
  }
}
