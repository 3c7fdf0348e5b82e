import type { PlannableCommand } from '../../command/kinds.js';
import { configPlan } from './config.js';
import { createPlan, flagEditPlan } from './flag.js';
import { guardrailPlan } from './guardrail.js';
import type { ChangePlan, PlanContext } from './plan.js';
import { roleChangeOf } from '../../command/role-change.js';
import { rolePlan } from './role.js';
import { rolloutPlan } from './rollout.js';
import { secretPlan } from './secret.js';
import { tenancyPlan } from './tenancy.js';
import { tierServePlan } from './tier.js';

/*
 * The planner's public API: what a change request will write, worked out before anyone approves
 * it (docs/architecture.md#one-change-end-to-end). One planner per target, in this folder.
 */
export type { ChangePlan, PlanContext } from './plan.js';
export type { PlannableCommand, PlannableCommandName } from '../../command/kinds.js';
export { revertPlan, type RevertSource } from './revert.js';
export { isTenancyCommand, tenancyNames, tenancyUnits, type TenancyCommand } from './tenancy.js';

/**
 * Works out the whole next document for a command against the current one. Pure: the caller
 * loads `current` and its version, and stores the result only if that version is still current.
 */
export function planChange(command: PlannableCommand, ctx: PlanContext): ChangePlan {
  if (command.name === 'flag.serve' && command.tier !== undefined)
    return tierServePlan(ctx, { ...command, tier: command.tier });
  switch (command.name) {
    case 'flag.create':
      return createPlan(ctx, command);
    case 'flag.rollout':
      return rolloutPlan(ctx, command);
    case 'flag.on':
    case 'flag.off':
    case 'flag.serve':
    case 'flag.kill':
    case 'flag.rule.add':
    case 'flag.rule.remove':
    case 'flag.override':
    case 'flag.break-glass':
      return flagEditPlan(ctx, command);
    case 'flag.guardrail.set':
    case 'flag.guardrail.remove':
      return guardrailPlan(ctx, command);
    case 'config.set':
      return configPlan(ctx, command);
    case 'config.secret.set':
      return secretPlan(ctx, command);
    case 'change.role.grant':
    case 'change.role.revoke':
    case 'oncall.add':
    case 'oncall.remove':
      return rolePlan(ctx, roleChangeOf(command)!);
    case 'tenant.add':
    case 'tenant.set':
    case 'cohort.create':
    case 'cohort.add':
    case 'cohort.remove':
      return tenancyPlan(ctx, command);
  }
}
