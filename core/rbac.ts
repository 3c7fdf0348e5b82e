import type { Role, RoleBinding } from './roles.js';
import { unitLabel, unitRequests, type ChangeRequest } from './change-request.js';
import { READ_ONLY_COMMANDS } from './command/kinds.js';
import { isProduction, type Policy } from './policy.js';
import { describeBinding, inScope } from './role-reach.js';
import { roleRefusal } from './role-rights.js';

export { ROLES, roleBindingSchema, type Role, type RoleBinding } from './roles.js';

export interface Decision {
  allowed: boolean;
  /** One line a user can read: why it is allowed, or what would be needed. */
  reason: string;
  /** The least privileged role that allows it (used by classification). */
  role?: Role;
}

/** The actor Switchyard itself acts as (stage advances, auto-disable). */
export const SYSTEM_ACTOR = 'system';

/** Tried in this order, so a decision names the narrowest role that suffices. */
const ROLE_ORDER: Role[] = ['viewer', 'admin', 'developer', 'product_manager', 'oncall', 'operator', 'system'];

/**
 * Whether the request reaches a production environment of the policy (any of the units it
 * touches, when known). A flag creation that touches nothing (its default is its off variation)
 * reaches none; "every environment" reaches them all.
 */
export function touchesProduction(policy: Policy, request: Pick<ChangeRequest, 'env' | 'action' | 'touched'>): boolean {
  if (request.action === 'flag.create' && !request.touched?.length && request.env === undefined) return false;
  const envs = request.touched?.length ? request.touched.map((u) => u.env) : [request.env];
  return envs.some((env) => env === undefined || isProduction(policy, env));
}

function envLabel(request: ChangeRequest): string {
  return request.env ?? 'every environment';
}

/** The bindings that apply to `actor`; the `system` actor always holds the system role. */
export function bindingsForActor(bindings: readonly RoleBinding[], actor: string): RoleBinding[] {
  const own = bindings.filter((b) => b.subject === actor);
  return actor === SYSTEM_ACTOR ? [{ subject: actor, role: 'system' }, ...own] : own;
}

function whatOf(request: ChangeRequest): string {
  return `${request.action} ${request.key} in ${envLabel(request)}${request.tenant ? ` for tenant ${request.tenant}` : ''}`;
}

function canPerformUnit(policy: Policy, own: readonly RoleBinding[], actor: string, request: ChangeRequest): Decision {
  const what = whatOf(request);
  const refusals: string[] = [];
  for (const role of ROLE_ORDER) {
    for (const binding of own.filter((b) => b.role === role)) {
      if (!inScope(binding, request, policy)) {
        refusals.push(
          `${describeBinding(binding, policy)} does not cover ${envLabel(request)}${request.tenant && binding.tenant ? ` for tenant ${request.tenant}` : ''}`,
        );
        continue;
      }
      const refusal = roleRefusal(role, request, policy);
      if (refusal) {
        refusals.push(`as ${role}: ${refusal}`);
        continue;
      }
      return { allowed: true, reason: `${actor} may ${what} as ${describeBinding(binding, policy)}`, role };
    }
  }
  return { allowed: false, reason: `${actor} may not ${what}: ${refusals.join('; ')}` };
}

/** The most privileged of the roles the units needed (ROLE_ORDER runs from least to most). */
function widestRole(roles: ReadonlyArray<Role | undefined>): Role | undefined {
  return roles.reduce<Role | undefined>(
    (a, b) => (a === undefined || (b !== undefined && ROLE_ORDER.indexOf(b) > ROLE_ORDER.indexOf(a)) ? b : a),
    undefined,
  );
}

/**
 * Whether `actor` may make the change (the table in docs/design.md#roles). Allowed is not the same as applied at
 * once: classify() decides whether a second person must approve.
 *
 * A request that carries what it touches (`touched`) is judged unit by unit, each as its own
 * environment and tenant: allowed only when every unit is, and a refusal names the units that
 * are not. "Every environment" is never one scope of its own.
 *
 * @example canPerform(policy, bindings, 'U1', { action: 'flag.on', entity: 'flag', key: 'checkout', env: 'production' })
 * // { allowed: false, reason: 'U1 may not flag.on checkout in production: developer (below production) does not cover production' }
 */
export function canPerform(
  policy: Policy,
  bindings: readonly RoleBinding[],
  actor: string,
  request: ChangeRequest,
): Decision {
  const own = bindingsForActor(bindings, actor);
  const units = unitRequests(request);
  const where = units.map(unitLabel).join(', ');
  if (own.length === 0) {
    const what = units.length === 1 ? whatOf(units[0]!) : `${request.action} ${request.key} in ${where}`;
    return { allowed: false, reason: `${actor} has no Switchyard role, so may not ${what}` };
  }
  // Holding some role is no right to read everything: what a reader covers is core/read-access.ts's to say.
  if (READ_ONLY_COMMANDS.has(request.action))
    return {
      allowed: false,
      reason: `${request.action} is a read, not a change: what ${actor} may read is decided by their read scope (core/read-access.ts)`,
    };
  const decisions = units.map((unit) => canPerformUnit(policy, own, actor, unit));
  if (decisions.length === 1) return decisions[0]!;
  const refused = decisions.filter((d) => !d.allowed);
  if (refused.length === 0)
    return {
      allowed: true,
      reason: `${actor} may ${request.action} ${request.key} in each of ${where}: ${decisions.map((d) => d.reason).join('; ')}`,
      role: widestRole(decisions.map((d) => d.role)),
    };
  return { allowed: false, reason: refused.map((d) => d.reason).join('; ') };
}

/**
 * A tenant or cohort change that is refused outright instead of waiting for a second person: one
 * asked for by someone whose every binding is tenant-scoped (a tenant's admin) and that those
 * bindings do not allow. A tenant's admin speaks for that tenant only, so a request about another
 * tenant, a new tenant or a cohort is not theirs to file (docs/design.md#roles). Undefined when the
 * request may go ahead (to be classified as usual).
 */
export function tenantScopedRefusal(
  policy: Policy,
  bindings: readonly RoleBinding[],
  actor: string,
  request: ChangeRequest,
): string | undefined {
  const permissionFlag = request.entity === 'flag' && request.flagKind === 'permission';
  if (request.entity !== 'tenant' && request.entity !== 'cohort' && !permissionFlag) return undefined;
  const own = bindingsForActor(bindings, actor);
  if (!own.length || own.some((b) => b.tenant === undefined)) return undefined;
  if (canPerform(policy, bindings, actor, request).allowed) return undefined;
  const tenants = [...new Set(own.map((b) => b.tenant!))];
  if (permissionFlag) {
    return `${actor} may not ${request.action} ${request.key}${request.tenant ? ` for tenant ${request.tenant}` : ''}: ${request.key} is a permission flag, and what a tenant is entitled to is set by an operator (or a product manager in production), not by its admin`;
  }
  if (request.action === 'tenant.set' && request.tier !== undefined && tenants.includes(request.key)) {
    return `${actor} may not change the tier of ${request.key}: a tier decides what a tenant is entitled to, so an operator changes it (ask one to run /tenant set ${request.key} --tier ${request.tier}); as its admin you may change its --name`;
  }
  const what =
    request.entity === 'cohort'
      ? `change cohort ${request.key}`
      : request.action === 'tenant.add'
        ? `add tenant ${request.key}`
        : `change tenant ${request.key}`;
  return `${actor} may not ${what}: as admin of ${tenants.join(', ')} they manage only ${tenants.length === 1 ? 'that tenant' : 'those tenants'} (/tenant set ${tenants[0]} --name "<text>"); adding tenants and defining cohorts is an operator's`;
}

/**
 * Whether `approver` may approve someone else's risky change (4-eyes): never the requester, never
 * the system, and only someone who could make the change themselves; production changes need an
 * operator.
 */
export function canApprove(
  policy: Policy,
  bindings: readonly RoleBinding[],
  approver: string,
  request: ChangeRequest,
): Decision {
  if (!request.requestedBy)
    return { allowed: false, reason: 'the change has no recorded requester, so 4-eyes cannot be checked' };
  if (approver === request.requestedBy) {
    return { allowed: false, reason: `${approver} requested this change and cannot approve it: a second person must` };
  }
  if (approver === SYSTEM_ACTOR) return { allowed: false, reason: 'the system cannot approve changes' };
  // The approver must be able to make every part of the change: each environment (and tenant) it touches.
  const roles: Role[] = [];
  for (const unit of unitRequests(request)) {
    const decision = canPerform(policy, bindings, approver, unit);
    if (!decision.allowed) return { allowed: false, reason: `${approver} cannot approve: ${decision.reason}` };
    if (touchesProduction(policy, unit)) {
      const operator = bindingsForActor(bindings, approver).find(
        (b) => b.role === 'operator' && inScope(b, unit, policy),
      );
      if (!operator)
        return {
          allowed: false,
          reason: `${approver} cannot approve: a production change needs an operator in ${envLabel(unit)} to approve`,
        };
      roles.push('operator');
    } else if (decision.role) roles.push(decision.role);
  }
  const role = widestRole(roles);
  return { allowed: true, reason: `${approver} may approve as ${role}`, role };
}
