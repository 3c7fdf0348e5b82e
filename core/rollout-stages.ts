/**
 * The rollout plan's facts (docs/design.md#rollout): the default stages and bake time, what a
 * valid list of stages is, and how a move between percentages relates to the plan. The grammar,
 * the planner, RBAC, classification and the rollout workflow all read them from here.
 */

/** The default rollout plan, in percent. */
export const DEFAULT_STAGES: readonly number[] = [1, 5, 25, 50, 100];

/** How long each stage bakes before the next, unless the rollout says otherwise (`--bake`). */
export const DEFAULT_BAKE_MS = 4 * 3_600_000;

/**
 * What is wrong with a list of stages, worded to follow `--stages`; undefined when it is a plan:
 * at least one percentage, each above 0 and at most 100, rising at every stage, ending at 100
 * (a rollout that stops short would leave the flag half served with nothing left to run).
 *
 * @example stagesProblem([5, 1, 100]) // 'must rise at every stage'
 */
export function stagesProblem(stages: readonly number[]): string | undefined {
  if (stages.length === 0) return 'needs at least one percentage';
  const outside = stages.find((s) => !(Number.isFinite(s) && s > 0 && s <= 100));
  if (outside !== undefined) return `has stage ${outside}, which is not a percentage above 0 and at most 100`;
  if (stages.some((s, i) => i > 0 && s <= stages[i - 1]!)) return 'must rise at every stage';
  if (stages[stages.length - 1] !== 100) return 'must end at 100';
  return undefined;
}

/**
 * The stages of `plan` a move from `from` % to `to` % jumps over: those strictly between the two.
 * Moving down (a rollback) never skips anything.
 *
 * @example skippedStages(0, 100) // [1, 5, 25, 50]
 * @example skippedStages(10, 25) // []
 */
export function skippedStages(from: number, to: number, plan: readonly number[] = DEFAULT_STAGES): number[] {
  if (to <= from) return [];
  return plan.filter((stage) => stage > from && stage < to);
}

/** Every step of a staged plan starting at `from`, e.g. 0 → 1 → 5 → … → 100. */
export function planSteps(from: number, stages: readonly number[]): Array<[number, number]> {
  const steps: Array<[number, number]> = [];
  let previous = from;
  for (const stage of stages) {
    if (stage > previous) steps.push([previous, stage]);
    previous = stage;
  }
  return steps;
}
