import type { ChangeRequest } from './change-request.js';
import { planSteps, skippedStages } from './rollout-stages.js';

/** Whether every upward step of the request's rollout stays within the stage plan. */
export function followsPlan(request: ChangeRequest, plan: readonly number[]): boolean {
  const rollout = request.rollout;
  if (!rollout || rollout.cohorts) return true;
  const from = rollout.from ?? 0;
  const steps = rollout.stages
    ? planSteps(from, rollout.stages)
    : request.action === 'flag.rollout'
      ? []
      : [[from, rollout.to] as [number, number]];
  return steps.every(([a, b]) => skippedStages(a, b, plan).length === 0);
}
