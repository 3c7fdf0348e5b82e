import type { TenancyChange, TenancyView } from '../core/model/tenancy.js';

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
