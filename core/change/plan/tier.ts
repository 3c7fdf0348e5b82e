import type { CommandOf } from '../../command/schema.js';
import { ValidationError } from '../../errors.js';
import type { Rule } from '../../model/flag.js';
import { addRule } from '../../operations/flag-operations.js';
import { requireEnv, requireFlag } from './context.js';
import { flagPlan } from './flag.js';
import type { ChangePlan, PlanContext } from './plan.js';

/** The id of the rule that serves one tier: stable, so serving the tier again replaces it. */
export const tierRuleId = (tier: string) => `tier:${tier}`;

/**
 * `/flag serve <key> <variation> --env <env> --tier <tier>`: a permission flag served by tenant
 * tier (docs/design.md#flag-kinds) is an environment rule `tenant.tier eq <tier>` with the id
 * `tier:<tier>`; serving that tier again replaces the rule in place (same priority). The app sends
 * `tenant.tier` in the evaluation context, as it sends `tenant.id`; the evaluator never looks
 * tenants up.
 */
export function tierServePlan(ctx: PlanContext, command: CommandOf<'flag.serve'> & { tier: string }): ChangePlan {
  const flag = requireFlag(ctx, command.key);
  const { tier, variation } = command;
  const env = requireEnv(command.env, ctx.environments, 'flag serve');
  if (flag.kind !== 'permission') {
    throw new ValidationError(
      `--tier serves permission flags by tenant tier, and ${flag.key} is a ${flag.kind} flag: target a tier with /flag rule add ${flag.key} --env ${env} --if "tenant.tier eq ${tier}" --serve ${variation}`,
    );
  }
  if (ctx.tenancy && !ctx.tenancy.tiers.includes(tier)) {
    throw new ValidationError(
      `no tenant has tier \`${tier}\` (tiers in use: ${ctx.tenancy.tiers.join(', ') || 'none'}): check the spelling, or give a tenant that tier first with /tenant set <id> --tier ${tier}`,
    );
  }
  if (!flag.variations.some((v) => v.id === variation)) {
    throw new ValidationError(
      `${flag.key} has no variation "${variation}" (variations: ${flag.variations.map((v) => v.id).join(', ')})`,
    );
  }
  const id = tierRuleId(tier);
  const rules = flag.environments[env]?.rules ?? [];
  const existing = rules.find((r) => r.id === id);
  const rule: Rule = {
    id,
    priority: existing?.priority ?? (rules.length ? Math.max(...rules.map((r) => r.priority)) + 1 : 1),
    condition: { 'tenant.tier': { eq: tier } },
    action: { serve: variation },
  };
  const next = existing
    ? {
        ...flag,
        environments: {
          ...flag.environments,
          [env]: { ...flag.environments[env]!, rules: rules.map((r) => (r.id === id ? rule : r)) },
        },
      }
    : addRule(flag, env, rule);
  const was = existing && 'serve' in existing.action ? `, was ${existing.action.serve}` : '';
  return {
    ...flagPlan(ctx, flag, next, 'flag.serve', [env]),
    summary: `${flag.key} in ${env}: serve ${variation} to tenants of tier ${tier} (rule ${id}${was})`,
  };
}
