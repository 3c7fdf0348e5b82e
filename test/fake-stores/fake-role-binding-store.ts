import { NotFoundError } from '../../core/errors.js';
import type { Role, RoleBinding } from '../../core/rbac.js';
import type { RoleBindingStore, RoleChangeInput } from '../../storage/role-binding-store-type.js';
import type { FakeAuditStore } from './fake-audit-store.js';

const sameScope = (a: RoleBinding, b: { subject: string; role: string; env?: string; tenant?: string }) =>
  a.subject === b.subject && a.role === b.role && a.env === b.env && a.tenant === b.tenant;

/** Live bindings in memory; grants and revokes audited into the shared fake audit log, once per change id. */
export class FakeRoleBindingStore implements RoleBindingStore {
  readonly bindings: RoleBinding[] = [];

  constructor(private readonly audit: FakeAuditStore) {}

  /** Test setup: a binding that exists before the scenario starts. */
  give(subject: string, role: Role, scope: { env?: string; tenant?: string } = {}): this {
    this.bindings.push({ subject, role, ...scope });
    return this;
  }

  async liveBindings(subject: string): Promise<RoleBinding[]> {
    return this.bindings.filter((b) => b.subject === subject).map((b) => ({ ...b }));
  }

  async grant(input: RoleChangeInput): Promise<{ applied: boolean }> {
    if (this.audit.recorded(input.changeId, 'role.grant')) return { applied: false };
    if (this.bindings.some((b) => sameScope(b, input))) return { applied: false };
    this.bindings.push({
      subject: input.subject,
      role: input.role as Role,
      ...(input.env ? { env: input.env } : {}),
      ...(input.tenant ? { tenant: input.tenant } : {}),
    });
    this.audit.append({
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
    });
    return { applied: true };
  }

  async revoke(input: RoleChangeInput): Promise<{ applied: boolean }> {
    if (this.audit.recorded(input.changeId, 'role.revoke')) return { applied: false };
    const index = this.bindings.findIndex((b) => sameScope(b, input));
    if (index < 0) throw new NotFoundError(`${input.subject} holds no ${input.role} role to revoke`);
    this.bindings.splice(index, 1);
    this.audit.append({
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
    });
    return { applied: true };
  }
}
