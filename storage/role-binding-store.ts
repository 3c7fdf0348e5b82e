import { ROLES, type Role } from '../core/rbac.js';
import type { Policy } from '../core/policy.js';
import { auditEventRecorded } from './audit-once.js';
import type { Pool } from './db.js';
import type { StorageDeps } from './deps.js';
import type { RoleBindingStore } from './role-binding-store-type.js';
import { grantRole, listRoleBindings, revokeRole } from './role-bindings.js';

/** RoleBindingStore on Postgres; a change request's grant or revoke is done once per change id (its audit row says so). */
export function postgresRoleBindingStore(
  deps: Pick<StorageDeps, 'log'> & { pool: Pool; policy: Policy },
): RoleBindingStore {
  const { pool } = deps;
  return {
    async liveBindings(subject) {
      const rows = await listRoleBindings(pool, subject);
      return rows
        .filter((r) => (ROLES as readonly string[]).includes(r.role))
        .map((r) => ({
          subject: r.subject,
          role: r.role as Role,
          ...(r.env ? { env: r.env } : {}),
          ...(r.tenant ? { tenant: r.tenant } : {}),
          ...(r.until ? { until: r.until } : {}),
        }));
    },
    async grant(input) {
      if (await auditEventRecorded(pool, input.changeId, 'role.grant')) return { applied: false };
      const { created, changed } = await grantRole(deps, input);
      return { applied: created || changed === true };
    },
    async revoke(input) {
      if (await auditEventRecorded(pool, input.changeId, 'role.revoke')) return { applied: false };
      await revokeRole(deps, input);
      return { applied: true };
    },
  };
}
