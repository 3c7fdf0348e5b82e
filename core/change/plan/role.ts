import { bindingUntil } from '../../binding-expiry.js';
import type { RoleChangeCommand } from '../../command/role-change.js';
import { describeRoleScope } from '../../role-scope.js';
import { requireEnv } from './context.js';
import type { ChangePlan, PlanContext } from './plan.js';

/**
 * A role binding to grant or revoke; the binding table, not an entry version, is what changes (docs/design.md#roles).
 * Whether the scope can be granted depends on the policy's production set, so the activity checks it (plan-change.ts).
 */
export function rolePlan(ctx: PlanContext, cmd: RoleChangeCommand): ChangePlan {
  const op = cmd.name === 'change.role.grant' ? 'grant' : 'revoke';
  if (cmd.env !== undefined) requireEnv(cmd.env, ctx.environments, `role ${op}`);
  // An end already past would be a grant that authorizes nothing; storage checks it again when applied.
  const until = cmd.name === 'change.role.grant' && cmd.until ? bindingUntil(cmd.until, ctx.now) : undefined;
  const scope = describeRoleScope(cmd.role, { env: cmd.env, tenant: cmd.tenant });
  return {
    kind: 'role',
    key: cmd.subject,
    action: `role.${op}`,
    envs: cmd.env ? [cmd.env] : [],
    tenant: cmd.tenant,
    expectedVersion: 0,
    summary: `${op} ${cmd.role} (${scope}${until ? `, until ${until}` : ''}) ${op === 'grant' ? 'to' : 'from'} ${cmd.subject}`,
    role: { op, subject: cmd.subject, role: cmd.role, env: cmd.env, tenant: cmd.tenant, ...(until ? { until } : {}) },
    entryKind: 'role',
  };
}
