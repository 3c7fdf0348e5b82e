import { isDeepStrictEqual } from 'node:util';
import type { CommandOf } from '../../command/schema.js';
import { ValidationError } from '../../errors.js';
import type { FlagDocument } from '../../model/flag.js';
import { validateFlag } from '../../model/validate-flag.js';
import { requireFlag } from './context.js';
import type { ChangePlan, PlanContext } from './plan.js';

export type GuardrailCommand = CommandOf<'flag.guardrail.set' | 'flag.guardrail.remove'>;

type AutoDisable = NonNullable<NonNullable<FlagDocument['guardrails']>['auto_disable']>;

const describe = (rule: AutoDisable | undefined) =>
  rule ? `auto-disable when ${rule.metric} > ${rule.threshold} over ${rule.window}` : 'no guardrail';

/** A metric is only useful if a monitor knows how to measure it: its PromQL template must exist. */
function requireKnownMetric(ctx: PlanContext, metric: string): void {
  const known = [...(ctx.guardrailMetrics ?? [])].sort();
  if (known.includes(metric)) return;
  const choices = known.length ? `one of ${known.join(', ')}` : 'none is configured';
  throw new ValidationError(
    `no PromQL template for guardrail metric \`${metric}\` (known metrics: ${choices}); use a known one, or have an operator add a template with GUARDRAIL_PROMQL`,
  );
}

/**
 * `/flag guardrail set|remove`: the flag's `guardrails.auto_disable`. It is a flag-level field, so
 * the change touches every environment (each serves the flag under it) and the change-request
 * workflow starts a monitor in each of them once it is applied; a removed guardrail ends its
 * monitors at their next check.
 */
export function guardrailPlan(ctx: PlanContext, command: GuardrailCommand): ChangePlan {
  const flag = requireFlag(ctx, command.key);
  const before = flag.guardrails?.auto_disable;
  let next: FlagDocument;
  if (command.name === 'flag.guardrail.set') {
    requireKnownMetric(ctx, command.metric);
    const rule: AutoDisable = { metric: command.metric, threshold: command.threshold, window: command.window };
    if (isDeepStrictEqual(before, rule))
      throw new ValidationError(`${flag.key} already has ${describe(rule)}: nothing to change`);
    next = { ...flag, guardrails: { ...flag.guardrails, auto_disable: rule } };
  } else {
    if (!before)
      throw new ValidationError(
        `${flag.key} has no guardrail to remove (set one with /flag guardrail set ${flag.key} --metric <name> --threshold <n> --window 5m)`,
      );
    const { auto_disable: _removed, ...rest } = flag.guardrails ?? {};
    const { guardrails: _guardrails, ...withoutGuardrails } = flag;
    next = Object.keys(rest).length ? { ...flag, guardrails: rest } : (withoutGuardrails as FlagDocument);
  }
  const { flag: validated } = validateFlag(next, { now: ctx.now, mode: 'import' });
  return {
    kind: 'flag',
    key: flag.key,
    action: command.name,
    envs: [...ctx.environments],
    target: { kind: 'flag', key: flag.key, document: validated },
    expectedVersion: ctx.version,
    summary: `${flag.key} guardrail (every environment): ${describe(before)} → ${describe(validated.guardrails?.auto_disable)}`,
    entryKind: flag.kind,
  };
}
