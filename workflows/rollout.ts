import {
  allHandlersFinished,
  condition,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities, FlagStep } from '../activities/index.js';
import { parseDuration } from '../core/duration.js';
import { activityPresets, localActivityPresets } from './activity-options.js';
import { guardrailBreachSignal, rolloutStateQuery, type RolloutInput, type RolloutState } from './contracts.js';
import { watchGuardrail } from './guardrail-monitor.js';
import { notifySafely } from './notify-safely.js';
import { handleRolloutControls, type RolloutRun } from './rollout-control-handler.js';
import { rolloutNotices } from './rollout-notices.js';
import {
  abortedMessage,
  breachMessage,
  completedMessage,
  initialRolloutState,
  isCohortRollout,
  isFinished,
  noStageLeftMessage,
  rollbackStep,
  rolloutStages,
  stageReason,
  stageStep,
} from './rollout-steps.js';

const data = proxyActivities<Activities>(activityPresets.dataPlane);
const metrics = proxyActivities<Activities>(activityPresets.metrics);

/**
 * A staged rollout (docs/design.md#rollout): each stage is written as `system` on behalf of the
 * requester with a change id fixed by the rollout and the stage index, so a worker that dies
 * mid-stage or mid-bake never applies a stage twice. Guardrails are checked while baking, at the
 * guardrail's own window, and the flag's guardrail monitor signals a breach it sees at once: either
 * way the rollout rolls back to 0 %.
 */
export async function rolloutWorkflow(input: RolloutInput): Promise<RolloutState> {
  const { workflowId } = workflowInfo();
  const cohortMode = isCohortRollout(input);
  const stages = rolloutStages(input);
  const state = initialRolloutState(input, stages);
  const run: RolloutRun = { input, state, paused: false, promoted: false, applying: false, halt: {} };
  const { halt } = run;
  const changeId = (step: string) => `${workflowId}:${input.rolloutId}:${step}`;
  const over = () => isFinished(state);
  const notices = rolloutNotices(input, changeId, workflowId);

  setHandler(rolloutStateQuery, () => state);
  handleRolloutControls(run, changeId);
  // The monitor has already killed the flag; the rollout must not write another stage over it.
  setHandler(guardrailBreachSignal, (breach) => {
    if (!over()) halt.why ??= { kind: 'breach', seenBy: 'monitor', ...breach };
  });

  /**
   * Each stage write reports the flag's guardrail, and a stage's progress notice goes out while its
   * bake runs: reading the flag before the first stage and before each bake, then waiting for the
   * notice, cost every rollout an activity and a workflow task per step, which is what a thousand
   * rollouts at once queue behind on the Temporal server (docs/BENCHMARKS.md).
   */
  const leanSteps = patched('guardrail-from-stage-write');
  /** The flag's guardrail as the last stage write found it (leanSteps only). */
  let stageGuardrail: Awaited<ReturnType<typeof data.loadGuardrail>> = null;
  let watching = false;
  // A guarded flag is watched from the rollout's start (with leanSteps: from its first stage's write, when it starts serving), not from the worker's next start.
  if (!leanSteps && (await data.loadGuardrail({ flagKey: input.flagKey })))
    await watchGuardrail(input.flagKey, [input.env]);

  const cohortTenants = cohortMode ? await data.cohortTenants({ cohorts: input.cohorts! }) : {};
  const stepFor = (index: number): FlagStep => stageStep(input, stages, cohortTenants, index);
  // Stage writes and rollbacks as local activities (a rollout started before this change keeps its activity tasks).
  const writer = patched('local-stage-writes')
    ? proxyLocalActivities<Activities>(localActivityPresets.dataPlane)
    : data;
  const apply = (step: FlagStep, id: string, action: string, reason?: string, onBehalfOf = input.requester) =>
    writer.applyFlagStep({
      changeId: id,
      flagKey: input.flagKey,
      env: input.env,
      step,
      action,
      onBehalfOf,
      approvedBy: input.approvedBy,
      reason: reason ?? input.reason,
      requestId: input.rolloutId,
    });

  const finish = async (status: RolloutState['status'], by: string, message: string): Promise<RolloutState> => {
    state.status = status;
    state.message = message;
    delete state.nextStepAt;
    await notifySafely(notices.finished(status, by, message));
    await condition(allHandlersFinished);
    return state;
  };
  const rollBack = (action: string, reason: string, onBehalfOf?: string) =>
    apply(rollbackStep(input, cohortTenants), changeId(action), `flag.rollout.${action}`, reason, onBehalfOf);

  /** Waits out one bake, the clock stopped while paused; ends early on a promote, an abort or a breach. */
  const bake = async (): Promise<void> => {
    let remaining = input.bakeMs;
    const guardrail = leanSteps ? stageGuardrail : await data.loadGuardrail({ flagKey: input.flagKey });
    // The guardrail's own window, as its monitor reads it: a shorter one would only re-read a half-filled window.
    const every = guardrail ? parseDuration(guardrail.window) : remaining;
    while (!halt.why) {
      if (run.paused) {
        delete state.nextStepAt;
        await condition(() => !run.paused || halt.why !== undefined);
        continue;
      }
      if (run.promoted) {
        run.promoted = false;
        return;
      }
      if (remaining <= 0) return;
      state.status = 'baking';
      const started = Date.now();
      state.nextStepAt = new Date(started + remaining).toISOString();
      const woken = await condition(
        () => run.paused || run.promoted || halt.why !== undefined,
        Math.min(remaining, every),
      );
      remaining -= Date.now() - started;
      if (woken || !guardrail) continue;
      const value = await metrics
        .queryGuardrailMetric({ metric: guardrail.metric, window: guardrail.window, env: input.env })
        .catch(() => null);
      // No data (or Prometheus unreachable after retries) proves nothing either way: keep the last verdict.
      if (value !== null && value > guardrail.threshold)
        halt.why ??= {
          kind: 'breach',
          seenBy: 'rollout',
          metric: guardrail.metric,
          value,
          threshold: guardrail.threshold,
        };
      else if (value !== null) state.guardrail = 'ok';
    }
  };

  if (stages.length === 0) return finish('completed', input.requester, noStageLeftMessage(input));

  for (let i = 0; i < stages.length && !halt.why; i++) {
    if (run.paused) await condition(() => !run.paused || halt.why !== undefined);
    if (halt.why) break;
    state.status = 'running';
    run.applying = true;
    const written = await apply(
      stepFor(i),
      changeId(`stage:${i}`),
      'flag.rollout.stage',
      stageReason(input, stages, i),
    );
    run.applying = false;
    state.stageIndex = i;
    if (leanSteps) {
      stageGuardrail = written.guardrail ?? null;
      if (stageGuardrail && !watching) await watchGuardrail(input.flagKey, [input.env]);
      watching ||= !!stageGuardrail;
    }
    // A breach or an abort while the stage was written undoes it now, not after its bake.
    if (halt.why) break;
    const last = i === stages.length - 1;
    if (!last) state.nextStepAt = new Date(Date.now() + input.bakeMs).toISOString();
    const progress = notifySafely(notices.progress(stages, i, last ? undefined : state.nextStepAt));
    if (!leanSteps || last) await progress;
    if (last) return finish('completed', input.requester, completedMessage(input));
    await bake();
    // Notices stay in stage order: this one is out before the next stage is written.
    await progress;
  }

  const why = halt.why!;
  if (why.kind === 'abort') {
    await rollBack('abort', `aborted by ${why.by}`, why.by);
    return finish('aborted', why.by, abortedMessage(input, why.by));
  }
  state.guardrail = 'breached';
  const message = breachMessage(why);
  await rollBack('rollback', message);
  // A breach the monitor saw has been announced by the monitor, with the kill.
  if (why.seenBy === 'rollout') await notifySafely(notices.breach(why));
  return finish('rolled_back', 'system', message);
}
