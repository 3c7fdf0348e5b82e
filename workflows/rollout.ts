import {
  ApplicationFailure,
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
import { DEFAULT_STAGES } from '../core/rollout-stages.js';
import { activityPresets, localActivityPresets } from './activity-options.js';
import {
  guardrailBreachSignal,
  rolloutControlUpdate,
  rolloutStateQuery,
  type RolloutControlInput,
  type RolloutInput,
  type RolloutState,
} from './contracts.js';
import { asCallerFailure } from './failures.js';
import { watchGuardrail } from './guardrail-monitor.js';
import { notifySafely } from './notify-safely.js';
import {
  controlRefusal,
  inArrivalOrder,
  validateControl,
  type ControlledRollout,
  type RolloutStop,
} from './rollout-controls.js';

const data = proxyActivities<Activities>(activityPresets.dataPlane);
const metrics = proxyActivities<Activities>(activityPresets.metrics);
/** Someone is waiting for a control's answer: a role check that keeps failing ends in a refusal, not a hang. */
const asking = proxyActivities<Activities>({
  ...activityPresets.dataPlane,
  retry: { ...activityPresets.dataPlane.retry, maximumAttempts: 3 },
});

/** How long a control's answer waits for the rollout to act on it (write the promoted stage, roll back an abort). */
const CONTROL_ANSWER_WAIT = '10 seconds';

/**
 * A staged rollout (docs/design.md#rollout): each stage is written as `system` on behalf of the
 * requester with a change id fixed by the rollout and the stage index, so a worker that dies
 * mid-stage or mid-bake never applies a stage twice. Guardrails are checked while baking, at the
 * guardrail's own window, and the flag's guardrail monitor signals a breach it sees at once: either
 * way the rollout rolls back to 0 %.
 */
export async function rolloutWorkflow(input: RolloutInput): Promise<RolloutState> {
  const { workflowId } = workflowInfo();
  const cohortMode = !!input.cohorts?.length;
  const from = input.fromPercent ?? 0;
  const stages: Array<number | string> = cohortMode
    ? input.cohorts!
    : (input.stages ?? DEFAULT_STAGES).filter((p) => p > from);
  const state: RolloutState = {
    rolloutId: input.rolloutId,
    flagKey: input.flagKey,
    env: input.env,
    variation: input.variation,
    stages,
    stageIndex: -1,
    status: 'running',
    guardrail: 'unchecked',
  };
  let paused = false;
  let promoted = false;
  /** True while a stage is being written: a promote then skips the bake that follows it. */
  let applying = false;
  const halt: { why?: RolloutStop } = {};
  const at = () => new Date().toISOString();
  const changeId = (step: string) => `${workflowId}:${input.rolloutId}:${step}`;
  const over = () => state.status === 'completed' || state.status === 'aborted' || state.status === 'rolled_back';

  setHandler(rolloutStateQuery, () => state);

  const controlled = (): ControlledRollout => ({
    flagKey: input.flagKey,
    env: input.env,
    status: state.status,
    paused,
    stop: halt.why,
  });

  let controls = 0;
  const serially = inArrivalOrder();
  /**
   * One control, after the validator accepted it: the user's role is checked by an activity, the
   * control is applied and audited (an abort by its rollback row), and the caller gets the state it
   * left behind — the promoted stage written, the abort rolled back — or the refusal.
   */
  const control = async ({ action, user }: RolloutControlInput): Promise<RolloutState> => {
    const verdict = await asking
      .authorizeRolloutControl({ user, action: `flag.rollout.${action}`, flagKey: input.flagKey, env: input.env })
      .catch((err: unknown) => Promise.reject(asCallerFailure(err)));
    if (!verdict.allowed) throw ApplicationFailure.nonRetryable(verdict.reason, 'FORBIDDEN');
    // Earlier controls and the role check took time: the state may forbid it now.
    const why = controlRefusal(action, controlled());
    if (why) throw ApplicationFailure.nonRetryable(why, 'REFUSED');
    if (action === 'abort') {
      halt.why = { kind: 'abort', by: user };
      state.message = `aborted by ${user}: rolling back to 0 %`;
      await condition(over, CONTROL_ANSWER_WAIT);
      return state;
    }
    const target = Math.min(state.stageIndex + (applying ? 2 : 1), stages.length - 1);
    if (action === 'pause') {
      paused = true;
      state.status = 'paused';
      delete state.nextStepAt;
    } else if (action === 'resume') {
      paused = false;
    } else {
      promoted = true;
    }
    await data.recordAuditEvent({
      eventId: changeId(`${action}:${++controls}`),
      actor: user,
      action: `rollout.${action}`,
      entityKind: 'flag',
      entityKey: input.flagKey,
      environment: input.env,
      requestId: input.rolloutId,
      detail: { stageIndex: state.stageIndex, stages: state.stages },
    });
    if (action === 'resume') await condition(() => state.status !== 'paused' || over(), CONTROL_ANSWER_WAIT);
    if (action === 'promote') await condition(() => state.stageIndex >= target || over(), CONTROL_ANSWER_WAIT);
    return state;
  };
  setHandler(rolloutControlUpdate, (request) => serially(() => control(request)), {
    validator: (request) => validateControl(request, controlled()),
  });
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
  const stepFor = (index: number): FlagStep =>
    cohortMode
      ? { type: 'tenants', variation: input.variation, tenants: cohortTenants[String(stages[index])] ?? [] }
      : { type: 'percent', variation: input.variation, percent: Number(stages[index]) };
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

  /** What every rollout notification says about which rollout it is. */
  const rolloutFacts = {
    replyTo: input.replyTo,
    rolloutId: input.rolloutId,
    flagKey: input.flagKey,
    env: input.env,
    variation: input.variation,
  };

  const finish = async (status: RolloutState['status'], by: string, message: string): Promise<RolloutState> => {
    state.status = status;
    state.message = message;
    delete state.nextStepAt;
    await notifySafely({
      kind: 'rollout_finished',
      id: changeId('finished'),
      at: at(),
      ...rolloutFacts,
      outcome: status === 'completed' ? 'completed' : status === 'aborted' ? 'aborted' : 'rolled_back',
      by,
      message,
      requester: input.requester,
    });
    await condition(allHandlersFinished);
    return state;
  };
  const rollBack = (action: string, reason: string, onBehalfOf?: string) =>
    apply(
      cohortMode
        ? { type: 'tenants-clear', tenants: Object.values(cohortTenants).flat() }
        : { type: 'percent', variation: input.variation, percent: 0 },
      changeId(action),
      `flag.rollout.${action}`,
      reason,
      onBehalfOf,
    );

  /** Waits out one bake, the clock stopped while paused; ends early on a promote, an abort or a breach. */
  const bake = async (): Promise<void> => {
    let remaining = input.bakeMs;
    const guardrail = leanSteps ? stageGuardrail : await data.loadGuardrail({ flagKey: input.flagKey });
    // The guardrail's own window, as its monitor reads it: a shorter one would only re-read a half-filled window.
    const every = guardrail ? parseDuration(guardrail.window) : remaining;
    while (!halt.why) {
      if (paused) {
        delete state.nextStepAt;
        await condition(() => !paused || halt.why !== undefined);
        continue;
      }
      if (promoted) {
        promoted = false;
        return;
      }
      if (remaining <= 0) return;
      state.status = 'baking';
      const started = Date.now();
      state.nextStepAt = new Date(started + remaining).toISOString();
      const woken = await condition(() => paused || promoted || halt.why !== undefined, Math.min(remaining, every));
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

  if (stages.length === 0)
    return finish(
      'completed',
      input.requester,
      `${input.variation} already serves ${from} % of ${input.flagKey} in ${input.env}: no stage left`,
    );

  for (let i = 0; i < stages.length && !halt.why; i++) {
    if (paused) await condition(() => !paused || halt.why !== undefined);
    if (halt.why) break;
    state.status = 'running';
    applying = true;
    const written = await apply(
      stepFor(i),
      changeId(`stage:${i}`),
      'flag.rollout.stage',
      `${input.reason ? `${input.reason} — ` : ''}stage ${i + 1}/${stages.length}: ${stages[i]}${cohortMode ? '' : ' %'}`,
    );
    applying = false;
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
    const progress = notifySafely({
      kind: 'rollout_progress',
      id: changeId(`progress:${i}`),
      at: at(),
      ...rolloutFacts,
      stage: stages[i]!,
      stageIndex: i,
      stageCount: stages.length,
      nextStepAt: last ? undefined : state.nextStepAt,
      requester: input.requester,
    });
    if (!leanSteps || last) await progress;
    if (last)
      return finish(
        'completed',
        input.requester,
        `${input.flagKey} in ${input.env}: ${input.variation} fully rolled out`,
      );
    await bake();
    // Notices stay in stage order: this one is out before the next stage is written.
    await progress;
  }

  const why = halt.why!;
  if (why.kind === 'abort') {
    await rollBack('abort', `aborted by ${why.by}`, why.by);
    return finish('aborted', why.by, `aborted by ${why.by}: ${input.flagKey} in ${input.env} rolled back to 0 %`);
  }
  state.guardrail = 'breached';
  const message = `guardrail ${why.metric} at ${why.value} exceeded ${why.threshold}: rolled back to 0 %${why.seenBy === 'monitor' ? ' (its monitor killed the flag)' : ''}`;
  await rollBack('rollback', message);
  // A breach the monitor saw has been announced by the monitor, with the kill.
  if (why.seenBy === 'rollout') {
    const { metric, value, threshold } = why;
    await notifySafely({
      kind: 'guardrail_breach',
      id: changeId('breach'),
      at: at(),
      replyTo: input.replyTo,
      flagKey: input.flagKey,
      env: input.env,
      metric,
      value,
      threshold,
      response: 'rolled_back',
      workflowId,
    });
  }
  return finish('rolled_back', 'system', message);
}
