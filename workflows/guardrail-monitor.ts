import { continueAsNew, allHandlersFinished, condition, proxyActivities, sleep, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { activityPresets } from './activity-options.js';
import { parseDuration } from '../core/duration.js';
import { notifySafely } from './notify-safely.js';

const data = proxyActivities<Activities>(activityPresets.dataPlane);
const metrics = proxyActivities<Activities>(activityPresets.metrics);

export interface GuardrailMonitorInput {
  flagKey: string;
  env: string;
  /** Overrides the guardrail's own window between checks (tests). */
  checkEveryMs?: number;
  /** Continue as new after this many checks even if the server has not suggested it (tests). */
  checksPerRun?: number;
}

export interface GuardrailMonitorResult {
  outcome: 'killed' | 'no_guardrail';
  value?: number;
}

/**
 * Watches one flag's `guardrails.auto_disable` in one environment (SPEC §6): each window, read the
 * metric; above the threshold, kill the flag as `system`. The guardrail is re-read every window,
 * so editing or removing it takes effect without restarting the monitor.
 */
export async function guardrailMonitorWorkflow(input: GuardrailMonitorInput): Promise<GuardrailMonitorResult> {
  const { workflowId, firstExecutionRunId } = workflowInfo();
  let checks = 0;
  while (true) {
    const guardrail = await data.loadGuardrail({ flagKey: input.flagKey });
    if (!guardrail) return { outcome: 'no_guardrail' };
    await sleep(input.checkEveryMs ?? parseDuration(guardrail.window));
    const value = await metrics.queryGuardrailMetric({ metric: guardrail.metric, window: guardrail.window, env: input.env }).catch(() => null);
    if (value !== null && value > guardrail.threshold) {
      // One kill per monitor chain: a retried or replayed kill carries the same change id.
      await data.applyFlagStep({
        changeId: `${workflowId}:${firstExecutionRunId}:kill`,
        flagKey: input.flagKey,
        env: input.env,
        step: { type: 'kill' },
        action: 'flag.auto-disable',
        onBehalfOf: 'guardrail',
        reason: `guardrail ${guardrail.metric} at ${value} exceeded ${guardrail.threshold}`,
        requestId: workflowId,
      });
      await notifySafely({
        kind: 'guardrail_breach',
        id: `${workflowId}:${firstExecutionRunId}:breach`,
        at: new Date().toISOString(),
        flagKey: input.flagKey,
        env: input.env,
        metric: guardrail.metric,
        value,
        threshold: guardrail.threshold,
        response: 'killed',
        workflowId,
      });
      return { outcome: 'killed', value };
    }
    checks++;
    if (workflowInfo().continueAsNewSuggested || (input.checksPerRun !== undefined && checks >= input.checksPerRun)) {
      await condition(allHandlersFinished);
      return continueAsNew<typeof guardrailMonitorWorkflow>(input);
    }
  }
}
