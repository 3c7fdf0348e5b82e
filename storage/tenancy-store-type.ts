import type { tenancyAudit } from '../core/change/plan/tenancy-apply.js';
import type { TenancyChange, TenancyView } from '../core/model/tenancy.js';
import type { AuditEntry } from './audit.js';

/** A tenant or cohort change carried by a change request; `changeId` makes it happen once. */
export interface TenancyChangeInput {
  changeId: string;
  actor: string;
  change: TenancyChange;
  reason?: string;
  approvedBy?: string;
  requestId?: string;
}

/** Tenants and cohorts as tenancy change requests read and write them. */
export interface TenancyStore {
  /** The named tenants and cohorts as they are now (absent: none such), and the tiers in use. */
  view(names: { tenants: readonly string[]; cohorts: readonly string[] }): Promise<TenancyView>;
  /**
   * Applies the change and its one audit row (entity kind `tenant` or `cohort`) together, once per
   * change id (`applied: false` when it was applied before); re-checked first against the tables
   * as they are then (core/change/plan/tenancy.ts recheckTenancy).
   */
  apply(input: TenancyChangeInput): Promise<{ applied: boolean }>;
}

/** The one audit row of a tenancy change, the same for every store (Postgres and the in-memory fake). */
export function tenancyAuditEntry(input: TenancyChangeInput, audit: ReturnType<typeof tenancyAudit>): AuditEntry {
  return {
    actor: input.actor,
    action: input.change.op,
    entityKind: audit.entityKind,
    entityKey: audit.entityKey,
    tenant: audit.tenants.length === 1 ? audit.tenants[0] : undefined,
    changeId: input.changeId,
    reason: input.reason,
    approvedBy: input.approvedBy,
    requestId: input.requestId,
    diff: audit.diff,
    detail: { tenants: audit.tenants },
  };
}
