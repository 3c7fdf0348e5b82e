import type { ChangeRequest } from './change-request.js';
import type { Policy } from './policy.js';
import type { Role } from './roles.js';
import { followsPlan } from './rollout-plan.js';

const SYSTEM_ACTIONS = new Set(['flag.rollout.stage', 'flag.rollout.rollback', 'flag.auto-disable', 'flag.kill']);
const CIRCUIT_BREAKER_ACTIONS = new Set(['flag.on', 'flag.off', 'flag.serve']);
const PM_RELEASE_ACTIONS = new Set([
  'flag.rollout',
  'flag.rollout.pause',
  'flag.rollout.resume',
  'flag.rollout.abort',
  'flag.on',
  'flag.off',
  'flag.serve',
  'flag.kill',
]);
/** What a tenant's own answer of a permission flag is set by: an entitlement (docs/design.md#roles). */
const ENTITLEMENT_ACTIONS = new Set(['flag.on', 'flag.off', 'flag.serve', 'flag.kill']);
const ADMIN_ACTIONS = new Set(['flag.on', 'flag.off', 'flag.serve', 'flag.kill', 'config.set', 'tenant.set']);

/** Whether the request sets what one tenant is entitled to: a permission flag's tenant override or tenant kill. */
export function isEntitlementChange(request: ChangeRequest): boolean {
  return (
    request.entity === 'flag' &&
    request.flagKind === 'permission' &&
    request.tenant !== undefined &&
    ENTITLEMENT_ACTIONS.has(request.action)
  );
}

function productManagerRefusal(request: ChangeRequest, policy: Policy): string | undefined {
  const kind = request.flagKind;
  if (request.entity !== 'flag') return `${request.entity} changes are not a product manager's`;
  if (request.action === 'flag.create')
    return kind === 'experiment' ? undefined : 'product managers create experiment flags only';
  if (kind === 'experiment') return undefined;
  if (kind === 'release') {
    if (!PM_RELEASE_ACTIONS.has(request.action)) return `${request.action} on a release flag needs an operator`;
    return followsPlan(request, policy.plan) ? undefined : 'the rollout skips stages of the plan';
  }
  if (isEntitlementChange(request)) return undefined;
  return `${kind ?? 'this'} flags are not a product manager's`;
}

function adminRefusal(request: ChangeRequest): string | undefined {
  if (request.entity === 'cohort') return 'cohorts are defined by an operator';
  if (request.action === 'tenant.add') return "adding a tenant is an operator's";
  // A tier decides what a tenant is entitled to (permission flags serve by it): its admin may not upgrade it.
  if (request.action === 'tenant.set' && request.tier !== undefined)
    return "a tenant's tier decides its entitlements, so an operator changes it";
  if (request.entity === 'flag' && request.flagKind === 'permission')
    return 'a permission flag decides what a tenant is entitled to, so an operator (or a product manager in production) changes it';
  if (request.tenant === undefined) return 'admins change tenant-scoped settings only (give --tenant)';
  if (!ADMIN_ACTIONS.has(request.action)) return `${request.action} is not a tenant setting`;
  return undefined;
}

/**
 * What `role` may do regardless of scope (the table in docs/design.md#roles); undefined when
 * allowed, else what it lacks. Break-glass is on call's alone: whoever else holds rights in an
 * environment files an ordinary change (a kill is standard for them).
 */
export function roleRefusal(role: Role, request: ChangeRequest, policy: Policy): string | undefined {
  if (request.action === 'flag.break-glass') {
    return role === 'oncall' ? undefined : `break-glass needs someone on call in ${request.env} (see /oncall list)`;
  }
  switch (role) {
    case 'operator':
      return undefined;
    case 'developer':
      return request.entity === 'role' ? 'role changes need an operator' : undefined;
    case 'product_manager':
      return productManagerRefusal(request, policy);
    case 'admin':
      return adminRefusal(request);
    case 'viewer':
      return 'viewers read and change nothing';
    case 'oncall':
      return 'on call breaks glass only (/flag break-glass); other changes need a role that covers them';
    case 'system':
      if (SYSTEM_ACTIONS.has(request.action)) return undefined;
      if (request.flagKind === 'ops' && CIRCUIT_BREAKER_ACTIONS.has(request.action)) return undefined;
      return 'the system only trips circuit breakers, auto-disables and moves rollout stages';
  }
}
