import {
  ParentClosePolicy,
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  log,
  patched,
  proxyActivities,
  setHandler,
  sleep,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { Activities } from '../activities/index.js';
import { parseDuration } from '../core/duration.js';
import { activityPresets } from './activity-options.js';
import {
  guardrailBreachSignal,
  guardrailReadingQuery,
  workflowIds,
  type GuardrailBreach,
  type GuardrailReading,
} from './contracts.js';
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
  /** The last check of the previous run, so the reading survives continue-as-new. */
  lastReading?: GuardrailReading;
}

export interface GuardrailMonitorResult {
  outcome: 'killed' | 'no_guardrail';
  value?: number;
}

/**
 * Makes sure a monitor watches `flagKey` in each of `envs`, from inside a workflow (a change that
 * touched a guarded flag, a rollout of one). One already watching keeps going; the monitor outlives
 * whoever started it. Client code (worker start, `switchyard import`) uses cli/guardrail-monitors.ts.
 */
export async function watchGuardrail(flagKey: string, envs: readonly string[]): Promise<void> {
  for (const env of envs) {
    try {
      await startChild(guardrailMonitorWorkflow, {
        workflowId: workflowIds.guardrail(flagKey, env),
        args: [{ flagKey, env }],
        parentClosePolicy: ParentClosePolicy.ABANDON,
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
  }
}

/**
 * Tells the flag's rollout in `env`, if one runs, that its guardrail was breached: it rolls back
 * now instead of at its own next check. No rollout (or a finished one) is the usual case.
 */
async function stopRollout(flagKey: string, env: string, breach: GuardrailBreach): Promise<void> {
  try {
    await getExternalWorkflowHandle(workflowIds.rollout(flagKey, env)).signal(guardrailBreachSignal, breach);
  } catch (err) {
    log.info('no running rollout to stop', { flagKey, env, error: String(err) });
  }
}

/**
 * Watches one flag's `guardrails.auto_disable` in one environment (docs/design.md#guardrail-monitor):
 * each window, read the metric; above the threshold, kill the flag as `system` and stop
 * its rollout there, if any. The guardrail is re-read every window, so editing or removing it takes
 * effect without restarting the monitor.
 */
export async function guardrailMonitorWorkflow(input: GuardrailMonitorInput): Promise<GuardrailMonitorResult> {
  const { workflowId, firstExecutionRunId } = workflowInfo();
  let checks = 0;
  let reading: GuardrailReading | null = input.lastReading ?? null;
  setHandler(guardrailReadingQuery, () => reading);
  while (true) {
    const guardrail = await data.loadGuardrail({ flagKey: input.flagKey });
    if (!guardrail) return { outcome: 'no_guardrail' };
    await sleep(input.checkEveryMs ?? parseDuration(guardrail.window));
    const value = await metrics
      .queryGuardrailMetric({ metric: guardrail.metric, window: guardrail.window, env: input.env })
      .catch(() => null);
    reading = {
      metric: guardrail.metric,
      threshold: guardrail.threshold,
      window: guardrail.window,
      value,
      at: new Date().toISOString(),
    };
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
      // Monitors run for months: one killed before this change was deployed replays without the signal.
      if (patched('breach-stops-rollout'))
        await stopRollout(input.flagKey, input.env, {
          metric: guardrail.metric,
          value,
          threshold: guardrail.threshold,
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
      return continueAsNew<typeof guardrailMonitorWorkflow>({ ...input, ...(reading ? { lastReading: reading } : {}) });
    }
  }
}
