/**
 * What the rollout's state allows a person to do to it, and the order controls run in. Pure and
 * deterministic: bundled into the workflow sandbox with workflows/rollout.ts.
 */
import type { GuardrailBreach, RolloutControl, RolloutControlInput, RolloutStatus } from './contracts.js';

export const ROLLOUT_CONTROLS: readonly RolloutControl[] = ['pause', 'resume', 'abort', 'promote'];

/** Why a rollout stops before its last stage. */
export type RolloutStop =
  { kind: 'abort'; by: string } | ({ kind: 'breach'; seenBy: 'rollout' | 'monitor' } & GuardrailBreach);

export interface ControlledRollout {
  flagKey: string;
  env: string;
  status: RolloutStatus;
  paused: boolean;
  stop?: RolloutStop;
}

/** Why the rollout's state forbids `action` now; undefined when it allows it. */
export function controlRefusal(action: RolloutControl, rollout: ControlledRollout): string | undefined {
  if (rollout.status === 'completed' || rollout.status === 'aborted' || rollout.status === 'rolled_back')
    return `this rollout is already ${rollout.status.replace('_', ' ')}`;
  const { stop } = rollout;
  if (stop)
    return stop.kind === 'abort'
      ? `this rollout is being aborted by ${stop.by}`
      : `this rollout is rolling back: guardrail ${stop.metric} was breached`;
  switch (action) {
    case 'pause':
      return rollout.paused ? 'already paused: resume or abort it' : undefined;
    case 'resume':
      return rollout.paused ? undefined : 'not paused: there is nothing to resume';
    case 'promote':
      // Held until the resume, a promote would make that resume jump a stage nobody asked for then.
      return rollout.paused
        ? `paused: resume first (/flag rollout resume ${rollout.flagKey} --env ${rollout.env}), then promote`
        : undefined;
    case 'abort':
      return undefined;
  }
}

/** The update's validator: refuses before anything reaches the history. */
export function validateControl({ action, user }: RolloutControlInput, rollout: ControlledRollout): void {
  if (!user) throw new Error('the user controlling the rollout is missing');
  if (!ROLLOUT_CONTROLS.includes(action))
    throw new Error(`unknown rollout control "${String(action)}": use ${ROLLOUT_CONTROLS.join(', ')}`);
  const why = controlRefusal(action, rollout);
  if (why) throw new Error(why);
}

/** Runs tasks one at a time in arrival order: "pause, then promote" must never act as "promote, then pause". */
export function inArrivalOrder(): <T>(task: () => Promise<T>) => Promise<T> {
  let turn: Promise<unknown> = Promise.resolve();
  return <T>(task: () => Promise<T>) => {
    const run = turn.then(task);
    turn = run.catch(() => undefined);
    return run;
  };
}
