import type { ChangeRequest } from './change-request.js';
import { isProduction, type Policy } from './policy.js';
import type { RoleBinding } from './roles.js';

/**
 * Where a binding reaches (docs/design.md#roles), from the policy's production set: an explicit
 * environment, else the role's own reach: developers below production, product managers in
 * production, on-call only where it was granted, everyone else every environment. A tenant narrows
 * any of them; an admin without a tenant reaches nothing.
 */
export function bindingCoversEnv(binding: RoleBinding, env: string | undefined, policy: Policy): boolean {
  if (binding.env !== undefined && env !== binding.env) return false;
  switch (binding.role) {
    // A role's side of production holds even for a binding that names its environment: one granted
    // before PRODUCTION_ENVIRONMENTS moved (or written around the grant check) never crosses it.
    case 'developer':
      return env !== undefined && !isProduction(policy, env);
    case 'product_manager':
      return env !== undefined && isProduction(policy, env);
    case 'oncall':
      return binding.env !== undefined;
    case 'admin':
      return binding.tenant !== undefined;
    default:
      return true;
  }
}

/** Whether `binding`'s environment and tenant scope covers the request (one unit of it). */
export function inScope(binding: RoleBinding, request: ChangeRequest, policy: Policy): boolean {
  if (binding.tenant !== undefined && binding.tenant !== request.tenant) return false;
  if (binding.role === 'admin' && binding.tenant === undefined) return false;
  // A creation whose default is its off variation serves nothing new anywhere: no environment to cover.
  if (request.action === 'flag.create' && request.env === undefined) return true;
  return bindingCoversEnv(binding, request.env, policy);
}

/** A binding's reach for a human: `developer (below production)`, `oncall (prod, until 2026-12-09T09:00Z)`. */
export function describeBinding(binding: RoleBinding, policy: Policy): string {
  const reach =
    binding.env ??
    (binding.role === 'developer'
      ? 'below production'
      : binding.role === 'product_manager'
        ? policy.production.join(', ')
        : 'all environments');
  const until = binding.until ? `, until ${binding.until}` : '';
  return `${binding.role} (${reach}${binding.tenant ? `, tenant ${binding.tenant}` : ''}${until})`;
}
