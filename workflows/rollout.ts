import { allHandlersFinished, condition, log, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Activities, FlagStep } from '../activities/index.js';
import { activityPresets } from './activity-options.js';
import {
  abortSignal,
  pauseSignal,
  promoteSignal,
  resumeSignal,
  rolloutStateQuery,
  type RolloutControlInput,
  type RolloutInput,
  type RolloutState,
} from './contracts.js';
import { notifySafely } from './notify-safely.js';

const data = proxyActivities<Activities>(activityPresets.dataPlane);
const metrics = proxyActivities<Activities>(activityPresets.metrics);

export const DEFAULT_STAGES = [1, 5, 25, 50, 100];
export const DEFAULT_GUARDRAIL_INTERVAL_MS = 60_000;

/**
 * A staged rollout (SPEC §6): each stage is written as `system` on behalf of the requester with a
 * change id fixed by the rollout and the stage index, so a worker that dies mid-stage or mid-bake
 * never applies a stage twice. Guardrails are checked while baking; a breach rolls back to 0 %.
 */
export async function rolloutWorkflow(input: RolloutInput): Promise<RolloutState> {
  const { workflowId } = workflowInfo();
  const cohortMode = !!input.cohorts?.length;
  const from = input.fromPercent ?? 0;
  const stages: Array<number | string> = cohortMode ? input.cohorts! : (input.stages ?? DEFAULT_STAGES).filter((p) => p > from);
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
  let abortedBy: string | undefined;
  let promoted = false;
  const at = () => new Date().toISOString();
  const changeId = (step: string) => `${workflowId}:${input.rolloutId}:${step}`;

  setHandler(rolloutStateQuery, () => state);
  const over = () => state.status === 'completed' || state.status === 'aborted' || state.status === 'rolled_back';
  let controls = 0;
  let controlQueue: Promise<void> = Promise.resolve();
  type Control = 'pause' | 'resume' | 'abort' | 'promote';
  /**
   * Pause / resume / abort / promote come as signals, which cannot answer: whoever may not control
   * this rollout is told through a notification and otherwise ignored. Each accepted control is
   * audited (an abort by its rollback row).
   */
  const handleControl = async (action: Control, apply: (user: string) => void, { user }: RolloutControlInput) => {
    const id = changeId(`${action}:${++controls}`);
    const verdict = await data.authorizeRolloutControl({ user, action: `flag.rollout.${action}`, flagKey: input.flagKey, env: input.env });
    if (!verdict.allowed) {
      await notifySafely({ kind: 'change_refused', id, at: at(), replyTo: { ...input.replyTo, user }, requestId: input.rolloutId, requester: user, message: verdict.reason, code: 'FORBIDDEN' });
      return;
    }
    if (over()) return;
    apply(user);
    if (action === 'abort') return;
    await data.recordAuditEvent({
      eventId: id,
      actor: user,
      action: `rollout.${action}`,
      entityKind: 'flag',
      entityKey: input.flagKey,
      environment: input.env,
      requestId: input.rolloutId,
      detail: { stageIndex: state.stageIndex, stages: state.stages },
    });
  };
  // One at a time, in arrival order: "pause, then promote" must never act as "promote, then pause".
  const control = (action: Control, apply: (user: string) => void) => (signal: RolloutControlInput) =>
    (controlQueue = controlQueue
      .then(() => handleControl(action, apply, signal))
      .catch((err: unknown) => log.warn('rollout control failed', { action, user: signal.user, error: String(err) })));
  setHandler(
    pauseSignal,
    control('pause', () => {
      if (state.status === 'running' || state.status === 'baking') {
        paused = true;
        state.status = 'paused';
      }
    }),
  );
  setHandler(
    resumeSignal,
    control('resume', () => {
      paused = false;
    }),
  );
  setHandler(
    abortSignal,
    control('abort', (user) => {
      abortedBy ??= user;
    }),
  );
  setHandler(
    promoteSignal,
    control('promote', () => {
      promoted = true;
    }),
  );

  const cohortTenants = cohortMode ? await data.cohortTenants({ cohorts: input.cohorts! }) : {};
  const stepFor = (index: number): FlagStep =>
    cohortMode
      ? { type: 'tenants', variation: input.variation, tenants: cohortTenants[String(stages[index])] ?? [] }
      : { type: 'percent', variation: input.variation, percent: Number(stages[index]) };
  const apply = (step: FlagStep, id: string, action: string, reason?: string, onBehalfOf = input.requester) =>
    data.applyFlagStep({
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
  const rolloutFacts = { replyTo: input.replyTo, rolloutId: input.rolloutId, flagKey: input.flagKey, env: input.env, variation: input.variation };

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
      cohortMode ? { type: 'tenants-clear', tenants: Object.values(cohortTenants).flat() } : { type: 'percent', variation: input.variation, percent: 0 },
      changeId(action),
      `flag.rollout.${action}`,
      reason,
      onBehalfOf,
    );

  /** Waits out one bake, pausing the clock while paused; returns why it ended. */
  const bake = async (): Promise<'done' | 'aborted' | { breach: number; metric: string; threshold: number }> => {
    promoted = false;
    let remaining = input.bakeMs;
    const guardrail = await data.loadGuardrail({ flagKey: input.flagKey });
    const interval = input.guardrailIntervalMs ?? DEFAULT_GUARDRAIL_INTERVAL_MS;
    while (true) {
      if (abortedBy) return 'aborted';
      if (paused) {
        delete state.nextStepAt;
        await condition(() => !paused || abortedBy !== undefined);
        continue;
      }
      if (promoted || remaining <= 0) return 'done';
      state.status = 'baking';
      const started = Date.now();
      state.nextStepAt = new Date(started + remaining).toISOString();
      const wait = guardrail ? Math.min(remaining, interval) : remaining;
      await condition(() => paused || promoted || abortedBy !== undefined, wait);
      remaining -= Date.now() - started;
      if (guardrail && !abortedBy) {
        const value = await metrics.queryGuardrailMetric({ metric: guardrail.metric, window: guardrail.window, env: input.env }).catch(() => null);
        // No data (or Prometheus unreachable after retries) proves nothing either way: keep the last verdict.
        if (value !== null && value > guardrail.threshold) return { breach: value, metric: guardrail.metric, threshold: guardrail.threshold };
        if (value !== null) state.guardrail = 'ok';
      }
    }
  };

  if (stages.length === 0) return finish('completed', input.requester, `${input.variation} already serves ${from} % of ${input.flagKey} in ${input.env}: no stage left`);

  for (let i = 0; i < stages.length; i++) {
    if (paused) await condition(() => !paused || abortedBy !== undefined);
    if (abortedBy) break;
    state.status = 'running';
    await apply(stepFor(i), changeId(`stage:${i}`), 'flag.rollout.stage', `${input.reason ? `${input.reason} — ` : ''}stage ${i + 1}/${stages.length}: ${stages[i]}${cohortMode ? '' : ' %'}`);
    state.stageIndex = i;
    const last = i === stages.length - 1;
    if (!last) state.nextStepAt = new Date(Date.now() + input.bakeMs).toISOString();
    await notifySafely({
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
    if (last) return finish('completed', input.requester, `${input.flagKey} in ${input.env}: ${input.variation} fully rolled out`);

    const outcome = await bake();
    if (outcome === 'aborted') break;
    if (outcome !== 'done') {
      state.guardrail = 'breached';
      const message = `guardrail ${outcome.metric} at ${outcome.breach} exceeded ${outcome.threshold}: rolled back to 0 %`;
      await rollBack('rollback', message);
      await notifySafely({
        kind: 'guardrail_breach',
        id: changeId('breach'),
        at: at(),
        replyTo: input.replyTo,
        flagKey: input.flagKey,
        env: input.env,
        metric: outcome.metric,
        value: outcome.breach,
        threshold: outcome.threshold,
        response: 'rolled_back',
        workflowId,
      });
      return finish('rolled_back', 'system', message);
    }
  }

  await rollBack('abort', `aborted by ${abortedBy}`, abortedBy);
  return finish('aborted', abortedBy!, `aborted by ${abortedBy}: ${input.flagKey} in ${input.env} rolled back to 0 %`);
}
