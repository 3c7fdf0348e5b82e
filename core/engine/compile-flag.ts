import type { FlagDocument, Rule, Serve } from '../model/flag.js';
import { defaultVariationId, offVariationId } from '../model/validate-flag.js';
import { compileKeyReader } from './attribute.js';
import { compileCondition, type Predicate } from './condition.js';
import { createBucketer } from './murmur3.js';
import { failure, success } from './results.js';
import { compileRollout } from './rollout.js';
import type { EvaluationContext, EvaluationResult, Reason } from './types.js';

export type FlagEvaluator = (context: EvaluationContext) => EvaluationResult;

export interface CompileOptions {
  /** Milliseconds since the epoch; decides whether a user override has expired. Defaults to Date.now. */
  now?: () => number;
}

type Decision = (context: EvaluationContext) => EvaluationResult;

/** A rule's answer: a fixed result (most rules) or, for a rollout, a decision made per context. */
interface CompiledRule {
  holds: Predicate;
  fixed: EvaluationResult | undefined;
  decide: Decision | undefined;
}

interface UserOverride {
  result: EvaluationResult;
  expiresAt: number;
}

const readTenant = compileKeyReader('tenant.id');

/**
 * Compiles one flag for one environment into a closure that follows the resolution order of
 * docs/design.md#resolution-order (kill → user override → tenant override → rules → environment serve → default).
 * Never throws: a flag whose data cannot be compiled returns a GENERAL error on every
 * evaluation, so one bad flag cannot take the rest of a snapshot down.
 *
 * @example
 * const evaluate = compileFlag(flag, 'production');
 * evaluate({ targetingKey: 'user-42', env: 'production' }); // { ok: true, variant: 'legacy', reason: 'SPLIT', … }
 */
export function compileFlag(flag: FlagDocument, env: string, options: CompileOptions = {}): FlagEvaluator {
  try {
    return buildEvaluator(flag, env, options.now ?? Date.now);
  } catch (error) {
    const key = typeof flag?.key === 'string' ? flag.key : String(flag?.key);
    const broken = failure(key, 'GENERAL', `flag "${key}" could not be compiled: ${(error as Error).message}`);
    return () => broken;
  }
}

/**
 * A percentage rollout's decision. Built in a function of its own so the closure's scope holds
 * only what it reads, not everything the flag's compilation had in scope (an evaluator holds
 * tens of thousands of these).
 */
function rolloutDecision(
  readStickiness: (context: EvaluationContext) => string | undefined,
  bucketOf: (value: string) => number,
  pick: (bucket: number) => EvaluationResult,
  keyMissing: EvaluationResult,
): Decision {
  return (context) => {
    const value = readStickiness(context);
    return value === undefined ? keyMissing : pick(bucketOf(value));
  };
}

function buildEvaluator(flag: FlagDocument, env: string, now: () => number): FlagEvaluator {
  const key = flag.key;
  if (!Array.isArray(flag.variations) || flag.variations.length === 0)
    throw new Error('a flag needs at least one variation');
  const variations = new Map(flag.variations.map((v) => [v.id, v.value]));
  const variationIds = flag.variations.map((v) => v.id);
  const state = flag.environments?.[env];

  const result = (id: string, reason: Reason, decidedBy: string): EvaluationResult => {
    if (!variations.has(id))
      throw new Error(`${decidedBy} serves unknown variation "${id}" (variations: ${variationIds.join(', ')})`);
    return success(key, variations.get(id)!, id, reason, decidedBy);
  };

  // A kill serves the flag's off variation (the `false` one for a boolean flag), never simply the default.
  const offId = offVariationId(flag);
  if (state?.killed) return constant(result(offId, 'DISABLED', 'kill'));

  const stickiness = flag.stickiness || 'targetingKey';
  // What only a rollout needs, built on the first rollout met: most flags have none.
  let rolloutParts:
    | {
        read: (context: EvaluationContext) => string | undefined;
        bucketOf: (value: string) => number;
        keyMissing: EvaluationResult;
      }
    | undefined;
  const partsOfRollout = () =>
    (rolloutParts ??= {
      read: compileKeyReader(stickiness),
      bucketOf: createBucketer(key, flag.salt || key),
      keyMissing: failure(
        key,
        'TARGETING_KEY_MISSING',
        `"${key}" is a percentage rollout: the evaluation context needs "${stickiness}"`,
      ),
    });

  const answer = (
    serve: Serve,
    fixedReason: Reason,
    splitDecidedBy: string,
    fixedDecidedBy = splitDecidedBy,
  ): { fixed: EvaluationResult | undefined; decide: Decision | undefined } => {
    if ('serve' in serve) return { fixed: result(serve.serve, fixedReason, fixedDecidedBy), decide: undefined };
    if (!('rollout' in serve)) throw new Error(`${splitDecidedBy} needs "serve" or "rollout"`);
    const pick = compileRollout(variationIds, serve.rollout, (id) => result(id, 'SPLIT', splitDecidedBy));
    const parts = partsOfRollout();
    return { fixed: undefined, decide: rolloutDecision(parts.read, parts.bucketOf, pick, parts.keyMissing) };
  };

  const killedTenants = state?.killedTenants?.length ? new Set(state.killedTenants) : undefined;
  const killedForTenant = killedTenants ? result(offId, 'DISABLED', 'kill:tenant') : undefined;

  const userOverrides = new Map<string, UserOverride>();
  for (const [user, override] of Object.entries(state?.userOverrides ?? {})) {
    const expiresAt = override.expiresAt === undefined ? Infinity : Date.parse(override.expiresAt);
    if (Number.isNaN(expiresAt))
      throw new Error(`user override for "${user}" has an unreadable expiresAt "${override.expiresAt}"`);
    userOverrides.set(user, { result: result(override.variation, 'TARGETING_MATCH', 'override:user'), expiresAt });
  }

  const tenantOverrides = new Map<string, EvaluationResult>();
  for (const [tenant, id] of Object.entries(state?.tenantOverrides ?? {})) {
    tenantOverrides.set(tenant, result(id, 'TARGETING_MATCH', 'override:tenant'));
  }

  // Lower priority numbers first; on a tie the flag's global rules before this environment's, then
  // declaration order (Array.prototype.sort is stable).
  const ordered = [
    ...(flag.rules ?? []).map((rule, index) => ({ rule, origin: 0, index })),
    ...(state?.rules ?? []).map((rule, index) => ({ rule, origin: 1, index })),
  ].sort((a, b) => a.rule.priority - b.rule.priority || a.origin - b.origin || a.index - b.index);
  const rules: CompiledRule[] = ordered.map(({ rule }) => compileRule(rule, answer));

  // A fixed answer is STATIC when nothing in this environment can vary it (no rules, overrides,
  // tenant kills or rollout), DEFAULT when something could have and nothing did (OpenFeature's
  // meaning of the two). Decided here, once, so the hot path pays nothing for it.
  const varies =
    rules.length > 0 ||
    userOverrides.size > 0 ||
    tenantOverrides.size > 0 ||
    killedTenants !== undefined ||
    (state?.serve !== undefined && 'rollout' in state.serve);
  const fixedReason: Reason = varies ? 'DEFAULT' : 'STATIC';
  const envServe = state?.serve ? answer(state.serve, fixedReason, 'env:rollout', 'env:serve') : undefined;
  const defaultId = defaultVariationId(flag);
  if (defaultId === undefined)
    throw new Error(`default ${JSON.stringify(flag.default)} is neither a variation id nor a variation's value`);
  const last: Decision = envServe?.decide ?? constant(envServe?.fixed ?? result(defaultId, fixedReason, 'default'));

  if (!killedTenants && userOverrides.size === 0 && tenantOverrides.size === 0)
    return rules.length === 0 ? last : ruleChain(rules, last);
  return resolution({ killedTenants, killedForTenant, userOverrides, tenantOverrides, now }, ruleChain(rules, last));
}

function constant(fixed: EvaluationResult): Decision {
  return () => fixed;
}

/** The rules in order, then `last`: the part of the resolution order every flag with rules has. */
function ruleChain(rules: readonly CompiledRule[], last: Decision): Decision {
  const count = rules.length;
  if (count === 0) return last;
  return (context) => {
    for (let i = 0; i < count; i++) {
      const rule = rules[i]!;
      if (rule.holds(context)) return rule.fixed ?? rule.decide!(context);
    }
    return last(context);
  };
}

interface Targeting {
  killedTenants: ReadonlySet<string> | undefined;
  killedForTenant: EvaluationResult | undefined;
  userOverrides: ReadonlyMap<string, UserOverride>;
  tenantOverrides: ReadonlyMap<string, EvaluationResult>;
  now: () => number;
}

/** Tenant kills, user overrides and tenant overrides ahead of `rest`, for the flags that have any. */
function resolution(
  { killedTenants, killedForTenant, userOverrides, tenantOverrides, now }: Targeting,
  rest: Decision,
): Decision {
  const checksTenant = killedTenants !== undefined || tenantOverrides.size > 0;
  return (context) => {
    const tenant = checksTenant ? readTenant(context) : undefined;
    if (tenant !== undefined && killedTenants?.has(tenant)) return killedForTenant!;
    if (userOverrides.size > 0) {
      const targetingKey = context.targetingKey;
      const override = typeof targetingKey === 'string' ? userOverrides.get(targetingKey) : undefined;
      if (override && override.expiresAt > now()) return override.result;
    }
    if (tenant !== undefined) {
      const override = tenantOverrides.get(tenant);
      if (override) return override;
    }
    return rest(context);
  };
}

function compileRule(
  rule: Rule,
  answer: (serve: Serve, reason: Reason, decidedBy: string) => Pick<CompiledRule, 'fixed' | 'decide'>,
): CompiledRule {
  const decidedBy = `rule:${rule.id ?? rule.priority}`;
  try {
    return { holds: compileCondition(rule.condition), ...answer(rule.action, 'TARGETING_MATCH', decidedBy) };
  } catch (error) {
    throw new Error(`${decidedBy}: ${(error as Error).message}`);
  }
}
