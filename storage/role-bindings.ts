import type { Logger } from 'pino';
import { GRANTABLE_ROLES } from '../core/command/schema.js';
import { NotFoundError, ValidationError } from '../core/errors.js';
import { logAudit, recordAudit } from './audit.js';
import { withTransaction, type Pool, type Queryable } from './db.js';
import { assertKnownEnvironments } from './environments.js';
import { assertGrantableScope } from '../core/role-scope.js';
import type { Policy } from '../core/policy.js';

export interface RoleBindingRow {
  id: number;
  subject: string;
  role: string;
  env: string | null;
  tenant: string | null;
  grantedBy: string;
  reason: string | null;
  createdAt: string;
  revokedAt: string | null;
  revokedBy: string | null;
}

export interface RoleBindingInput {
  subject: string;
  role: string;
  env?: string;
  tenant?: string;
  actor: string;
  reason?: string;
  /** The change request that carried the grant, for the audit row. */
  changeId?: string;
  /** Set when the change came through a 4-eyes change request. */
  approvedBy?: string;
  requestId?: string;
}

function toBinding(r: Record<string, unknown>): RoleBindingRow {
  const iso = (v: unknown) => (v ? (v as Date).toISOString() : null);
  return {
    id: Number(r.id),
    subject: r.subject as string,
    role: r.role as string,
    env: (r.env as string | null) ?? null,
    tenant: (r.tenant as string | null) ?? null,
    grantedBy: r.granted_by as string,
    reason: (r.reason as string | null) ?? null,
    createdAt: iso(r.created_at)!,
    revokedAt: iso(r.revoked_at),
    revokedBy: (r.revoked_by as string | null) ?? null,
  };
}

const SAME_SCOPE = `subject = $1 AND role = $2 AND env IS NOT DISTINCT FROM $3 AND tenant IS NOT DISTINCT FROM $4 AND revoked_at IS NULL`;

function describe(input: RoleBindingInput): string {
  return `${input.role}${input.env ? ` in ${input.env}` : ''}${input.tenant ? ` for tenant ${input.tenant}` : ''}`;
}

/**
 * Grants a role, optionally scoped to an environment or a tenant; audited. Granting a binding the
 * subject already holds changes nothing and returns the existing one (`created: false`).
 */
export async function grantRole(
  deps: { pool: Pool; log: Logger; policy: Policy },
  input: RoleBindingInput,
): Promise<{ binding: RoleBindingRow; created: boolean }> {
  if (input.role !== 'system' && !(GRANTABLE_ROLES as readonly string[]).includes(input.role)) {
    throw new ValidationError(`role must be one of ${GRANTABLE_ROLES.join(', ')} (got ${input.role})`);
  }
  if (input.env) await assertKnownEnvironments(deps.pool, [input.env]);
  // The same rule as a grant through chat, checked again where it is written: no binding that could never authorize anything.
  assertGrantableScope(input.role, { env: input.env, tenant: input.tenant }, deps.policy);
  const params = [input.subject, input.role, input.env ?? null, input.tenant ?? null];
  const outcome = await withTransaction(deps.pool, async (client) => {
    // Serializes grants of the same binding so two concurrent grants create one.
    await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`switchyard:role:${input.subject}`]);
    const existing = await client.query(`SELECT * FROM role_bindings WHERE ${SAME_SCOPE}`, params);
    if (existing.rows[0]) return { binding: toBinding(existing.rows[0]), created: false as const };
    const { rows } = await client.query(
      'INSERT INTO role_bindings (subject, role, env, tenant, granted_by, reason) VALUES ($1, $2, $3, $4, $5, $6) RETURNING *',
      [...params, input.actor, input.reason ?? null],
    );
    const audit = await recordAudit(client, {
      actor: input.actor,
      action: 'role.grant',
      entityKind: 'role-binding',
      entityKey: input.subject,
      environment: input.env,
      tenant: input.tenant,
      changeId: input.changeId,
      approvedBy: input.approvedBy,
      requestId: input.requestId,
      reason: input.reason,
      diff: { [describe(input)]: { old: null, new: 'granted' } },
      detail: { role: input.role, bindingId: Number(rows[0].id) },
    });
    return { binding: toBinding(rows[0]), created: true as const, audit };
  });
  if ('audit' in outcome && outcome.audit) logAudit(deps.log, outcome.audit);
  return { binding: outcome.binding, created: outcome.created };
}

/** Revokes a live binding (same subject, role and scope); audited. None live → NotFoundError. */
export async function revokeRole(deps: { pool: Pool; log: Logger }, input: RoleBindingInput): Promise<RoleBindingRow> {
  const params = [input.subject, input.role, input.env ?? null, input.tenant ?? null];
  const { binding, audit } = await withTransaction(deps.pool, async (client) => {
    const { rows } = await client.query(
      `UPDATE role_bindings SET revoked_at = now(), revoked_by = $5 WHERE ${SAME_SCOPE} RETURNING *`,
      [...params, input.actor],
    );
    if (!rows[0]) throw new NotFoundError(`${input.subject} holds no ${describe(input)} role to revoke`);
    const audit = await recordAudit(client, {
      actor: input.actor,
      action: 'role.revoke',
      entityKind: 'role-binding',
      entityKey: input.subject,
      environment: input.env,
      tenant: input.tenant,
      changeId: input.changeId,
      approvedBy: input.approvedBy,
      requestId: input.requestId,
      reason: input.reason,
      diff: { [describe(input)]: { old: 'granted', new: null } },
      detail: { role: input.role, bindingId: Number(rows[0].id) },
    });
    return { binding: toBinding(rows[0]), audit };
  });
  logAudit(deps.log, audit);
  return binding;
}

/** A subject's bindings, live only unless asked (authorization reads live ones). */
export async function listRoleBindings(
  db: Queryable,
  subject: string,
  options: { includeRevoked?: boolean } = {},
): Promise<RoleBindingRow[]> {
  const { rows } = await db.query(
    'SELECT * FROM role_bindings WHERE subject = $1 AND ($2 OR revoked_at IS NULL) ORDER BY created_at, id',
    [subject, options.includeRevoked ?? false],
  );
  return rows.map(toBinding);
}

/** Whether any binding was ever granted here, revoked ones included: `switchyard dev` seeds only a database that has none. */
export async function anyRoleBindingEver(db: Queryable): Promise<boolean> {
  const { rows } = await db.query<{ any: boolean }>('SELECT EXISTS (SELECT 1 FROM role_bindings) AS any');
  return rows[0]?.any ?? false;
}
