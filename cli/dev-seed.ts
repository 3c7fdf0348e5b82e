import type { Logger } from '../core/logger.js';
import type { Policy } from '../core/policy.js';
import type { Pool } from '../storage/db.js';
import { anyRoleBindingEver, grantRole } from '../storage/role-bindings.js';

export interface SeedBinding {
  subject: string;
  role: string;
  env?: string;
}

/**
 * The README walkthrough's people: Alice requests (developer, and operator in production), Bob is
 * the second operator who approves. Without them the first command a newcomer types is refused.
 */
export function walkthroughRoles(policy: Policy): SeedBinding[] {
  return [
    { subject: 'U_ALICE', role: 'developer' },
    ...policy.production.flatMap((env) => [
      { subject: 'U_ALICE', role: 'operator', env },
      // On call where Alice is an operator, so the walkthrough's break-glass works and Bob reviews it.
      { subject: 'U_ALICE', role: 'oncall', env },
      { subject: 'U_BOB', role: 'operator', env },
    ]),
  ];
}

export const SEED_ACTOR = 'switchyard dev';
export const SEED_REASON = 'dev walkthrough seed';

/**
 * Grants the walkthrough's roles, audited like any grant, but only in a database where no role
 * was ever bound: a database someone already set up (or revoked these from) is left as it is.
 * Production is whatever the policy says it is. Returns what was
 * granted, or undefined when the database was not fresh.
 */
export async function seedWalkthroughRoles(deps: {
  pool: Pool;
  log: Logger;
  policy: Policy;
}): Promise<SeedBinding[] | undefined> {
  if (await anyRoleBindingEver(deps.pool)) return undefined;
  const seeded: SeedBinding[] = [];
  for (const binding of walkthroughRoles(deps.policy)) {
    await grantRole(deps, { ...binding, actor: SEED_ACTOR, reason: SEED_REASON });
    seeded.push(binding);
  }
  return seeded;
}

/** `U_ALICE developer, operator in production, oncall in production; U_BOB operator in production`. */
export function describeSeed(seeded: readonly SeedBinding[]): string {
  const bySubject = new Map<string, string[]>();
  for (const b of seeded)
    bySubject.set(b.subject, [...(bySubject.get(b.subject) ?? []), `${b.role}${b.env ? ` in ${b.env}` : ''}`]);
  return [...bySubject].map(([subject, roles]) => `${subject} ${roles.join(', ')}`).join('; ');
}
