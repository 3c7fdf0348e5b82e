import { bindingLiveAt, bindingUntil } from '../../core/binding-expiry.js';
import { NotFoundError } from '../../core/errors.js';
import type { Role, RoleBinding } from '../../core/rbac.js';
import type { RoleBindingStore, RoleChangeInput } from '../../storage/role-binding-store-type.js';
import type { FakeAuditStore } from './fake-audit-store.js';

const sameScope = (a: RoleBinding, b: { subject: string; role: string; env?: string; tenant?: string }) =>
  a.subject === b.subject && a.role === b.role && a.env === b.env && a.tenant === b.tenant;

/** Bindings in memory, live until revoked or past `until`; grants and revokes audited into the shared fake audit log, once per change id. */
export class FakeRoleBindingStore implements RoleBindingStore {
  readonly bindings: RoleBinding[] = [];

  constructor(private readonly audit: FakeAuditStore) {}

  /** Test setup: a binding that exists before the scenario starts. */
  give(subject: string, role: Role, scope: { env?: string; tenant?: string; until?: string } = {}): this {
    this.bindings.push({ subject, role, ...scope });
    return this;
  }

  async liveBindings(subject: string): Promise<RoleBinding[]> {
    const now = new Date();
    return this.bindings.filter((b) => b.subject === subject && bindingLiveAt(b.until, now)).map((b) => ({ ...b }));
  }

  async grant(input: RoleChangeInput): Promise<{ applied: boolean }> {
    if (this.audit.recorded(input.changeId, 'role.grant')) return { applied: false };
    const until = input.until === undefined ? undefined : bindingUntil(input.until, new Date());
    const held = this.bindings.findIndex((b) => sameScope(b, input) && bindingLiveAt(b.until, new Date()));
    if (held >= 0 && this.bindings[held]!.until === until) return { applied: false };
    if (held >= 0) this.bindings.splice(held, 1);
    this.bindings.push({
      subject: input.subject,
      role: input.role as Role,
      ...(input.env ? { env: input.env } : {}),
      ...(input.tenant ? { tenant: input.tenant } : {}),
      ...(until ? { until } : {}),
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
      ...(until ? { detail: { until } } : {}),
    });
    return { applied: true };
  }

  async revoke(input: RoleChangeInput): Promise<{ applied: boolean }> {
    if (this.audit.recorded(input.changeId, 'role.revoke')) return { applied: false };
    const index = this.bindings.findIndex((b) => sameScope(b, input) && bindingLiveAt(b.until, new Date()));
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
