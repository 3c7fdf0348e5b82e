import type { CommandOf } from '../../command/schema.js';
import { ValidationError } from '../../errors.js';
import { currentPercent } from '../../operations/flag-operations.js';
import { DEFAULT_BAKE_MS, DEFAULT_STAGES, stagesProblem } from '../../rollout-stages.js';
import { requireEnv, requireFlag } from './context.js';
import type { ChangePlan, PlanContext } from './plan.js';

/**
 * `/flag rollout`: no document yet. The plan says what the rollout workflow runs once the request
 * is cleared (docs/design.md#rollout); each stage is written by the workflow as its own change.
 */
export function rolloutPlan(ctx: PlanContext, command: CommandOf<'flag.rollout'>): ChangePlan {
  const flag = requireFlag(ctx, command.key);
  const env = requireEnv(command.env, ctx.environments, 'flag rollout');
  if (!flag.variations.some((v) => v.id === command.variation)) {
    throw new ValidationError(
      `${flag.key} has no variation "${command.variation}" (variations: ${flag.variations.map((v) => v.id).join(', ')})`,
    );
  }
  const stages = command.cohorts ? undefined : (command.stages ?? [...DEFAULT_STAGES]);
  const problem = stages && stagesProblem(stages);
  if (problem) throw new ValidationError(`--stages ${problem} (got ${stages.join(',')})`);
  const fromPercent = currentPercent(flag, env, command.variation);
  const plan = command.cohorts ? command.cohorts.join(' → ') : stages!.map((s) => `${s} %`).join(' → ');
  const bakeMs = command.bakeMs ?? DEFAULT_BAKE_MS;
  return {
    kind: 'flag',
    key: flag.key,
    action: 'flag.rollout.start',
    envs: [env],
    expectedVersion: ctx.version,
    summary: `${flag.key} in ${env}: roll out ${command.variation} from ${fromPercent} % via ${plan}, baking ${Math.round(bakeMs / 1000)} s between stages`,
    rollout: { variation: command.variation, env, stages, cohorts: command.cohorts, bakeMs, fromPercent },
    entryKind: flag.kind,
  };
}
