import { unitRequests, type ChangeRequest } from './change-request.js';
import { planSteps, skippedStages } from './rollout-stages.js';
import type { FlagDocument } from './model/flag.js';
import { isBooleanFlag, offVariationId } from './model/validate-flag.js';
import { currentPercent } from './operations/flag-operations.js';
import type { Policy } from './policy.js';
import { canPerform, touchesProduction, type RoleBinding } from './rbac.js';

export type ChangeClass = 'standard' | 'risky' | 'emergency';

/** standard < risky < emergency: a change is as risky as its riskiest part. */
export const CLASS_ORDER: readonly ChangeClass[] = ['standard', 'risky', 'emergency'];

export interface Classification {
  class: ChangeClass;
  /** Why, in words for the approval message and the audit row. */
  reasons: string[];
}

export interface ClassifyContext {
  /** Which environments are production, the stage plan (core/policy.ts). */
  policy: Policy;
  bindings: readonly RoleBinding[];
  actor: string;
  /** The flag as it is now; lets a rollout's starting percentage be read when the request lacks it. */
  currentFlag?: FlagDocument;
}

/** Safety moves: taking exposure away is never held for approval (docs/design.md#classification). */
const SAFE_ACTIONS = new Set([
  'flag.kill',
  'flag.rollout.pause',
  'flag.rollout.abort',
  'flag.rollout.rollback',
  'flag.auto-disable',
]);
/** Actions that serve one variation to everyone in the environment: a move to 100 %. */
const FULL_SERVE_ACTIONS = new Set(['flag.on', 'flag.serve', 'flag.rollout.promote']);

function percent(n: number): string {
  return `${n}%`;
}

function targetVariation(request: ChangeRequest, flag: FlagDocument | undefined): string | undefined {
  if (request.variation) return request.variation;
  if (request.action === 'flag.on') return flag?.variations.find((v) => v.value === true)?.id;
  return undefined;
}

/** The upward steps the change makes, when it moves a rollout in one environment. */
function rolloutSteps(request: ChangeRequest, ctx: ClassifyContext): Array<[number, number]> {
  if (
    request.entity !== 'flag' ||
    request.env === undefined ||
    request.tenant !== undefined ||
    request.user !== undefined ||
    request.tier !== undefined
  )
    return [];
  const variation = targetVariation(request, ctx.currentFlag);
  const known = ctx.currentFlag && variation ? currentPercent(ctx.currentFlag, request.env, variation) : undefined;
  const from = request.rollout?.from ?? known ?? 0;
  if (request.rollout?.cohorts) return [];
  if (request.rollout?.stages) return planSteps(from, request.rollout.stages);
  // A rollout without its own stages runs the default plan, which skips nothing by definition.
  if (request.action === 'flag.rollout') return [];
  const to = request.rollout?.to ?? (FULL_SERVE_ACTIONS.has(request.action) ? 100 : undefined);
  return to === undefined || to <= from ? [] : [[from, to]];
}

/** What to type to turn the flag off in `env` at once, when a kill there has to wait. */
function breakGlassOffer(request: ChangeRequest, flag: FlagDocument | undefined): string {
  const serve = !flag || isBooleanFlag(flag) ? 'off' : offVariationId(flag);
  return `/flag break-glass ${request.key} ${serve} --env ${request.env} --reason "…"`;
}

/**
 * Tenants and cohorts (docs/design.md#roles): a tenant's admin changes that tenant's own settings
 * at once; anything else (adding tenants, tiers of others, cohorts) is an operator's, with a
 * second person, because they reach every environment and decide what cohort rollouts serve.
 */
function classifyTenancy(
  request: ChangeRequest,
  decision: ReturnType<typeof canPerform>,
  actor: string,
): Classification {
  if (decision.allowed && decision.role === 'admin')
    return { class: 'standard', reasons: [`tenant ${request.tenant}'s own settings, changed by its admin`] };
  const reasons = decision.allowed ? [] : [`outside ${actor}'s own rights (${decision.reason})`];
  reasons.push(
    request.entity === 'tenant'
      ? "tenants are shared by every environment: adding one or changing another's settings is an operator's change, approved by a second person"
      : "cohorts are shared by every environment and decide whom cohort rollouts reach: an operator's change, approved by a second person",
  );
  return { class: 'risky', reasons };
}

/** One unit: the request as if it named exactly one environment (and tenant). */
function classifyUnit(request: ChangeRequest, ctx: ClassifyContext): Classification {
  const decision = canPerform(ctx.policy, ctx.bindings, ctx.actor, request);
  const where = request.env ?? 'every environment';
  if (decision.allowed && decision.role === 'system') {
    return { class: 'standard', reasons: [`automated ${request.action} by Switchyard in ${where}`] };
  }
  if (request.entity === 'tenant' || request.entity === 'cohort') return classifyTenancy(request, decision, ctx.actor);
  const production = touchesProduction(ctx.policy, request);
  const kind = request.flagKind ?? ctx.currentFlag?.kind;

  if (SAFE_ACTIONS.has(request.action) && decision.allowed) {
    return {
      class: 'standard',
      reasons: [
        `${request.action === 'flag.kill' ? 'kill switch' : request.action} in ${where}: reduces exposure, applied at once`,
      ],
    };
  }

  const risky: string[] = [];
  if (!decision.allowed) risky.push(`outside ${ctx.actor}'s own rights (${decision.reason})`);
  // A kill is the safe direction, but not where the actor may not change the flag: a second person
  // approves it there, or someone on call turns it off at once.
  if (
    !decision.allowed &&
    request.action === 'flag.kill' &&
    request.env !== undefined &&
    request.tenant === undefined
  ) {
    risky.push(
      `${ctx.actor} may not change ${request.key} in ${request.env}, so this kill waits for a second person; if it cannot wait, someone on call in ${request.env} can run \`${breakGlassOffer(request, ctx.currentFlag)}\``,
    );
  }
  if (request.entity === 'secret') risky.push('secrets always need a second person');
  if (request.entity === 'role')
    risky.push(
      `role changes always need a second person (${request.action.endsWith('grant') ? 'grants' : 'revokes'} ${request.role ?? 'a role'})`,
    );
  if (request.entity === 'config' && production && request.tenant === undefined && request.user === undefined) {
    risky.push(`config for all of ${where} (not scoped to a tenant or user)`);
  }
  if (request.entity === 'flag' && kind === 'ops' && production) risky.push(`ops flag (circuit breaker) in ${where}`);
  // Experiments are splits, not staged launches: the stage plan governs everything else.
  const staged = production && kind !== 'experiment';
  if (staged) {
    for (const [from, to] of rolloutSteps(request, ctx)) {
      const skipped = skippedStages(from, to, ctx.policy.plan);
      if (skipped.length > 0) {
        risky.push(
          `jumps from ${percent(from)} to ${percent(to)} in ${where}, skipping the ${skipped.map(percent).join(', ')} stage${skipped.length > 1 ? 's' : ''}`,
        );
      }
    }
  }
  if (decision.allowed && decision.role === 'operator' && production)
    risky.push(`changed in ${where} under the operator role (4-eyes)`);
  if (risky.length > 0) return { class: 'risky', reasons: risky };

  const reasons: string[] = [];
  if (!production)
    reasons.push(
      request.env ? `${request.env} is not a production environment` : `${request.action} changes no environment`,
    );
  else if (decision.role === 'product_manager')
    reasons.push(`${kind ?? 'flag'} change in ${where} by a product manager within the stage plan`);
  else if (decision.role === 'admin') reasons.push(`tenant ${request.tenant} setting in ${where} changed by its admin`);
  const steps = staged ? rolloutSteps(request, ctx) : [];
  if (steps.length === 1)
    reasons.push(`rollout step ${percent(steps[0]![0])} → ${percent(steps[0]![1])} follows the stage plan`);
  if (reasons.length === 0) reasons.push(decision.reason);
  return { class: 'standard', reasons };
}

/**
 * Classifies a requested change (docs/design.md#classification): `emergency` for break-glass; `risky` (4-eyes) for
 * production-wide config, ops flags in production, secrets, rollouts that skip stages, role
 * changes, operator changes in production and anything outside the actor's own rights;
 * otherwise `standard`, applied at once.
 *
 * A request that carries what it touches (`touched`) is classified unit by unit (each
 * environment, or tenant in it, the change's documents differ in) and gets the class of its
 * riskiest unit, with that unit's reasons: nothing reaches an environment the actor may not
 * change without a second person, and adding environments never lowers the class.
 *
 * @example classify({ action: 'flag.rollout', entity: 'flag', key: 'k', env: 'production', rollout: { from: 0, to: 100, stages: [100] } }, ctx)
 * // { class: 'risky', reasons: ['jumps from 0% to 100% in production, skipping the 1%, 5%, 25%, 50% stages'] }
 */
export function classify(request: ChangeRequest, ctx: ClassifyContext): Classification {
  if (request.action === 'flag.break-glass') {
    return {
      class: 'emergency',
      reasons: ['break-glass: applied at once; an incident is opened and a second person reviews within 24 h'],
    };
  }
  const results = unitRequests(request).map((unit) => classifyUnit(unit, ctx));
  const top = results.reduce(
    (a, r) => (CLASS_ORDER.indexOf(r.class) > CLASS_ORDER.indexOf(a) ? r.class : a),
    'standard' as ChangeClass,
  );
  const reasons = [...new Set(results.filter((r) => r.class === top).flatMap((r) => r.reasons))];
  return { class: top, reasons };
}
