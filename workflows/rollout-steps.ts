/**
 * What a rollout writes and reports, derived from its input: the stage list, the state a query
 * sees first, each stage's flag step and the rollback's, and the messages it ends with. Pure and
 * deterministic: bundled into the workflow sandbox with workflows/rollout.ts.
 */
import type { FlagStep } from '../activities/index.js';
import { DEFAULT_STAGES } from '../core/rollout-stages.js';
import type { RolloutInput, RolloutState } from './contracts.js';
import type { RolloutStop } from './rollout-controls.js';

/** Tenants per cohort name, as the cohortTenants activity resolved them. */
export type CohortTenants = Record<string, string[]>;

export const isCohortRollout = (input: RolloutInput): boolean => !!input.cohorts?.length;

/** The cohorts, or the percent stages above the variation's current share (never lowered to). */
export function rolloutStages(input: RolloutInput): Array<number | string> {
  const from = input.fromPercent ?? 0;
  return isCohortRollout(input) ? input.cohorts! : (input.stages ?? DEFAULT_STAGES).filter((p) => p > from);
}

export function initialRolloutState(input: RolloutInput, stages: Array<number | string>): RolloutState {
  return {
    rolloutId: input.rolloutId,
    flagKey: input.flagKey,
    env: input.env,
    variation: input.variation,
    stages,
    stageIndex: -1,
    status: 'running',
    guardrail: 'unchecked',
  };
}

export const isFinished = (state: RolloutState): boolean =>
  state.status === 'completed' || state.status === 'aborted' || state.status === 'rolled_back';

/** The flag step that serves stage `index`: a cohort's tenants, or a percentage. */
export function stageStep(
  input: RolloutInput,
  stages: Array<number | string>,
  tenants: CohortTenants,
  index: number,
): FlagStep {
  const stage = stages[index];
  return isCohortRollout(input)
    ? { type: 'tenants', variation: input.variation, tenants: tenants[String(stage)] ?? [] }
    : { type: 'percent', variation: input.variation, percent: Number(stage) };
}

/** Back to 0 %: every cohort's tenants cleared, or the variation's percentage zeroed. */
export function rollbackStep(input: RolloutInput, tenants: CohortTenants): FlagStep {
  return isCohortRollout(input)
    ? { type: 'tenants-clear', tenants: Object.values(tenants).flat() }
    : { type: 'percent', variation: input.variation, percent: 0 };
}

/** The audit reason of stage `i`'s write: the rollout's reason, then which stage it is. */
export function stageReason(input: RolloutInput, stages: Array<number | string>, i: number): string {
  const unit = isCohortRollout(input) ? '' : ' %';
  return `${input.reason ? `${input.reason} — ` : ''}stage ${i + 1}/${stages.length}: ${stages[i]}${unit}`;
}

export const noStageLeftMessage = (input: RolloutInput): string =>
  `${input.variation} already serves ${input.fromPercent ?? 0} % of ${input.flagKey} in ${input.env}: no stage left`;

export const completedMessage = (input: RolloutInput): string =>
  `${input.flagKey} in ${input.env}: ${input.variation} fully rolled out`;

export const abortedMessage = (input: RolloutInput, by: string): string =>
  `aborted by ${by}: ${input.flagKey} in ${input.env} rolled back to 0 %`;

export const breachMessage = (why: Extract<RolloutStop, { kind: 'breach' }>): string =>
  `guardrail ${why.metric} at ${why.value} exceeded ${why.threshold}: rolled back to 0 %${why.seenBy === 'monitor' ? ' (its monitor killed the flag)' : ''}`;
