import { GRANTABLE_ROLES } from './command/schema.js';
import { ValidationError } from './errors.js';
import { isProduction as inProduction, type Policy } from './policy.js';

/** Where a role binding applies: one environment and/or one tenant; neither means the role's whole reach. */
export interface RoleScope {
  env?: string;
  tenant?: string;
}

/**
 * Why `role` cannot be granted with `scope`, or undefined when it can. A binding the
 * authorization could never match (an admin without a tenant, a developer in production) would
 * look like a right and then refuse everything, so it is refused at grant time, naming the
 * scopes that do work:
 * - `admin` administers one tenant: it needs a tenant (an environment may narrow it further);
 * - `developer` works below production: a lower environment, or none for all of them;
 * - `product_manager` works in production: a production environment, or none;
 * - `operator` and `viewer` may have any environment, or none;
 * - `oncall` is for one environment;
 * - `system` is Switchyard's own role and is never granted.
 * A tenant may narrow any grantable role.
 *
 * @example roleScopeRefusal('admin', {}, policyOf({ ENVIRONMENTS: ['dev', 'staging', 'production'] }))
 * // 'admin is scoped to a tenant: give --tenant <id> (and optionally --env <env>)'
 */
export function roleScopeRefusal(role: string, scope: RoleScope, policy: Policy): string | undefined {
  if (role === 'system')
    return `the system role is Switchyard's own (stage advances, auto-disable) and cannot be granted: grant one of ${GRANTABLE_ROLES.join(', ')}`;
  if (!(GRANTABLE_ROLES as readonly string[]).includes(role))
    return `role must be one of ${GRANTABLE_ROLES.join(', ')} (got ${role})`;
  const isProduction = (env: string) => inProduction(policy, env);
  const known = policy.environments;
  if (scope.env !== undefined && known.length && !known.includes(scope.env)) {
    return `--env must be one of ${known.join(', ')} (got ${scope.env})`;
  }
  const lower = known.filter((e) => !isProduction(e));
  const prod = known.filter(isProduction);
  const list = (envs: readonly string[]) => envs.join(' or ') || '(none configured)';
  switch (role) {
    case 'admin':
      if (scope.tenant === undefined)
        return 'admin is scoped to a tenant: give --tenant <id> (and optionally --env <env>)';
      return undefined;
    case 'oncall':
      // Breaking glass "everywhere" is nobody's rotation: on call is per environment.
      if (scope.env === undefined) return `oncall is per environment: give --env ${list(known)}`;
      return undefined;
    case 'developer':
      if (scope.env !== undefined && isProduction(scope.env)) {
        return `developer works below production, not in ${scope.env}: give --env ${list(lower)}, or no --env for every environment below production (production rights are product_manager's or operator's)`;
      }
      return undefined;
    case 'product_manager':
      if (scope.env !== undefined && !isProduction(scope.env)) {
        return `product_manager works in production, not in ${scope.env}: give --env ${list(prod)}, or no --env for every production environment (lower environments are developer's)`;
      }
      return undefined;
    default:
      return undefined;
  }
}

/** Throws a ValidationError naming the valid scopes when `role` cannot be granted with `scope`. */
export function assertGrantableScope(role: string, scope: RoleScope, policy: Policy): void {
  const refusal = roleScopeRefusal(role, scope, policy);
  if (refusal) throw new ValidationError(`cannot grant ${role}${describeScope(scope)}: ${refusal}`);
}

function describeScope(scope: RoleScope): string {
  const parts = [scope.env && `env ${scope.env}`, scope.tenant && `tenant ${scope.tenant}`].filter(Boolean);
  return parts.length ? ` (${parts.join(', ')})` : ' without a scope';
}

/** A binding's reach for a human: `env staging`, `tenant acme`, or what no scope means for that role. */
export function describeRoleScope(role: string, scope: RoleScope): string {
  const parts = [scope.env && `env ${scope.env}`, scope.tenant && `tenant ${scope.tenant}`].filter(Boolean);
  if (parts.length) return parts.join(', ');
  if (role === 'developer') return 'every environment below production';
  if (role === 'product_manager') return 'every production environment';
  return 'every environment';
}
