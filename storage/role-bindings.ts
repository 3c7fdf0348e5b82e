import type { Logger } from 'pino';
import { GRANTABLE_ROLES } from '../core/command/schema.js';
import { NotFoundError, ValidationError } from '../core/errors.js';
import { logAudit, recordAudit } from './audit.js';
import { withTransaction, type Pool, type Queryable } from './db.js';
import { assertKnownEnvironments } from './environments.js';
import { assertGrantableScope } from '../core/role-scope.js';
import type { Policy } from '../core/policy.js';
import { bindingUntil } from '../core/binding-expiry.js';
import { SYSTEM_ACTOR } from '../core/rbac.js';

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
  /** When it stops counting (ISO); null: until revoked. */
  until: string | null;
}

export interface RoleBindingInput {
  subject: string;
  role: string;
  env?: string;
  tenant?: string;
  /** Grants only: when the binding stops counting (ISO time with its zone, in the future). */
  until?: string;
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
    until: iso(r.expires_at),
  };
}

/** Rows of the one-live-binding index (not revoked), expired or not. */
const SAME_SCOPE = `subject = $1 AND role = $2 AND env IS NOT DISTINCT FROM $3 AND tenant IS NOT DISTINCT FROM $4 AND revoked_at IS NULL`;
/** Not past its end: what authorization reads, checked against the database's clock at every read. */
const UNEXPIRED = '(expires_at IS NULL OR expires_at > now())';

function describe(input: RoleBindingInput): string {
  return `${input.role}${input.env ? ` in ${input.env}` : ''}${input.tenant ? ` for tenant ${input.tenant}` : ''}`;
}

const granted = (until: string | null | undefined) => (until ? `granted until ${until}` : 'granted');

/**
 * Grants a role, optionally scoped to an environment or a tenant, optionally until a time; audited,
 * the audit row naming the end. Granting a binding the subject already holds changes nothing and
 * returns the existing one (`created: false`), unless it names another end: then the end moves
 * (`changed: true`, audited as a grant), which is how an on-call shift is extended or made open-ended.
 */
export async function grantRole(
  deps: { pool: Pool; log: Logger; policy: Policy },
  input: RoleBindingInput,
): Promise<{ binding: RoleBindingRow; created: boolean; changed?: true }> {
  if (input.role !== 'system' && !(GRANTABLE_ROLES as readonly string[]).includes(input.role)) {
    throw new ValidationError(`role must be one of ${GRANTABLE_ROLES.join(', ')} (got ${input.role})`);
  }
  if (input.env) await assertKnownEnvironments(deps.pool, [input.env]);
  // The same rule as a grant through chat, checked again where it is written: no binding that could never authorize anything.
  assertGrantableScope(input.role, { env: input.env, tenant: input.tenant }, deps.policy);
  // Checked again here, not only when the request was made: an approval that came after the end grants nothing.
  const until = input.until === undefined ? null : bindingUntil(input.until, new Date());
  const params = [input.subject, input.role, input.env ?? null, input.tenant ?? null];
  const outcome = await withTransaction(deps.pool, async (client) => {
    // Serializes grants of the same binding so two concurrent grants create one.
    await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`switchyard:role:${input.subject}`]);
    // An expired row still holds the one-live-binding index: close it (revoked when it ended, by no one) so the scope can be granted again.
    await client.query(
      `UPDATE role_bindings SET revoked_at = expires_at, revoked_by = $5 WHERE ${SAME_SCOPE} AND NOT ${UNEXPIRED}`,
      [...params, SYSTEM_ACTOR],
    );
    const existing = (await client.query(`SELECT * FROM role_bindings WHERE ${SAME_SCOPE}`, params)).rows[0];
    const held = existing ? toBinding(existing) : undefined;
    if (held && held.until === until) return { binding: held, created: false as const };
    const { rows } = held
      ? await client.query('UPDATE role_bindings SET expires_at = $2 WHERE id = $1 RETURNING *', [held.id, until])
      : await client.query(
          'INSERT INTO role_bindings (subject, role, env, tenant, granted_by, reason, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *',
          [...params, input.actor, input.reason ?? null, until],
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
      diff: { [describe(input)]: { old: held ? granted(held.until) : null, new: granted(until) } },
      detail: { role: input.role, bindingId: Number(rows[0].id), ...(until ? { until } : {}) },
    });
    return { binding: toBinding(rows[0]), created: !held, audit };
  });
  if ('audit' in outcome && outcome.audit) logAudit(deps.log, outcome.audit);
  return {
    binding: outcome.binding,
    created: outcome.created,
    ...('audit' in outcome && !outcome.created ? { changed: true as const } : {}),
  };
}

/** Revokes a live binding (same subject, role and scope); audited. None live (an expired one is not) → NotFoundError. */
export async function revokeRole(deps: { pool: Pool; log: Logger }, input: RoleBindingInput): Promise<RoleBindingRow> {
  const params = [input.subject, input.role, input.env ?? null, input.tenant ?? null];
  const { binding, audit } = await withTransaction(deps.pool, async (client) => {
    const { rows } = await client.query(
      `UPDATE role_bindings SET revoked_at = now(), revoked_by = $5 WHERE ${SAME_SCOPE} AND ${UNEXPIRED} RETURNING *`,
      [...params, input.actor],
    );
    if (!rows[0]) {
      const ended = await client.query<{ expires_at: Date }>(
        `SELECT expires_at FROM role_bindings WHERE ${SAME_SCOPE} ORDER BY expires_at DESC LIMIT 1`,
        params,
      );
      const when = ended.rows[0] ? ` (it ended at ${ended.rows[0].expires_at.toISOString()})` : '';
      throw new NotFoundError(`${input.subject} holds no ${describe(input)} role to revoke${when}`);
    }
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

/** A subject's bindings, live only (neither revoked nor expired) unless asked: authorization reads live ones. */
export async function listRoleBindings(
  db: Queryable,
  subject: string,
  options: { includeRevoked?: boolean } = {},
): Promise<RoleBindingRow[]> {
  const { rows } = await db.query(
    `SELECT * FROM role_bindings WHERE subject = $1 AND ($2 OR (revoked_at IS NULL AND ${UNEXPIRED})) ORDER BY created_at, id`,
    [subject, options.includeRevoked ?? false],
  );
  return rows.map(toBinding);
}

/** Everyone on call now (live `oncall` bindings), by environment, the soonest end first: `/oncall list`. */
export async function listOnCall(db: Queryable): Promise<RoleBindingRow[]> {
  const { rows } = await db.query(
    `SELECT * FROM role_bindings WHERE role = 'oncall' AND revoked_at IS NULL AND ${UNEXPIRED} ORDER BY env, expires_at NULLS LAST, subject`,
  );
  return rows.map(toBinding);
}

/** Whether any binding was ever granted here, revoked ones included: `switchyard dev` seeds only a database that has none. */
export async function anyRoleBindingEver(db: Queryable): Promise<boolean> {
  const { rows } = await db.query<{ any: boolean }>('SELECT EXISTS (SELECT 1 FROM role_bindings) AS any');
  return rows[0]?.any ?? false;
}
