/**
 * The rollout's `control` update (docs/design.md#rollout): a person's pause, resume, abort or
 * promote, role-checked by an activity and audited. Bundled into the workflow sandbox with
 * workflows/rollout.ts, whose loop shares the `RolloutRun` it changes.
 */
import { ApplicationFailure, condition, proxyActivities, setHandler } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { activityPresets } from './activity-options.js';
import { rolloutControlUpdate, type RolloutControlInput, type RolloutInput, type RolloutState } from './contracts.js';
import { asCallerFailure } from './failures.js';
import {
  controlRefusal,
  inArrivalOrder,
  validateControl,
  type ControlledRollout,
  type RolloutStop,
} from './rollout-controls.js';
import { isFinished } from './rollout-steps.js';

const data = proxyActivities<Activities>(activityPresets.dataPlane);
/** Someone is waiting for a control's answer: a role check that keeps failing ends in a refusal, not a hang. */
const asking = proxyActivities<Activities>({
  ...activityPresets.dataPlane,
  retry: { ...activityPresets.dataPlane.retry, maximumAttempts: 3 },
});

/** How long a control's answer waits for the rollout to act on it (write the promoted stage, roll back an abort). */
const CONTROL_ANSWER_WAIT = '10 seconds';

/** What the rollout's loop and its controls both read and change. */
export interface RolloutRun {
  readonly input: RolloutInput;
  readonly state: RolloutState;
  paused: boolean;
  promoted: boolean;
  /** True while a stage is being written: a promote then skips the bake that follows it. */
  applying: boolean;
  readonly halt: { why?: RolloutStop };
}

/** Registers the `control` update handler; controls run one at a time, in arrival order. */
export function handleRolloutControls(run: RolloutRun, changeId: (step: string) => string): void {
  const { input, state } = run;
  const over = () => isFinished(state);
  const controlled = (): ControlledRollout => ({
    flagKey: input.flagKey,
    env: input.env,
    status: state.status,
    paused: run.paused,
    stop: run.halt.why,
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
      run.halt.why = { kind: 'abort', by: user };
      state.message = `aborted by ${user}: rolling back to 0 %`;
      await condition(over, CONTROL_ANSWER_WAIT);
      return state;
    }
    const target = Math.min(state.stageIndex + (run.applying ? 2 : 1), state.stages.length - 1);
    if (action === 'pause') {
      run.paused = true;
      state.status = 'paused';
      delete state.nextStepAt;
    } else if (action === 'resume') {
      run.paused = false;
    } else {
      run.promoted = true;
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
}
