import type { Logger } from '../core/logger.js';
import type { Policy } from '../core/policy.js';
import { readScope, type ReadScope } from '../core/read-access.js';
import type { Pool } from '../storage/db.js';
import { postgresRoleBindingStore } from '../storage/role-binding-store.js';

export interface ReaderDeps {
  pool: Pool;
  log: Logger;
  /** The process's policy (built once from the settings). */
  policy: Policy;
  now: () => Date;
}

/**
 * What `principal` may read now: its live bindings, read from the role binding store at the
 * moment of the read (a revoke counts at once, as it does for changes), against the policy.
 */
export async function liveReadScope(deps: ReaderDeps, principal: string): Promise<ReadScope> {
  const bindings = await postgresRoleBindingStore(deps).liveBindings(principal);
  return readScope(deps.policy, bindings, principal, { now: deps.now() });
}
