import { recheckTenancy, tenancyAudit, tenancyChangeNames } from '../../core/change/plan/tenancy-apply.js';
import type { Tenant, TenancyView } from '../../core/model/tenancy.js';
import { tenancyAuditEntry, type TenancyChangeInput, type TenancyStore } from '../../storage/tenancy-store-type.js';
import type { FakeAuditStore } from './fake-audit-store.js';

/**
 * Tenants and cohorts in memory. The cohorts are the FakeCohortStore's record (name → tenants), so a
 * cohort made here is the one a cohort rollout reads; descriptions are kept beside it.
 */
export class FakeTenancyStore implements TenancyStore {
  readonly tenants: Record<string, Tenant> = {};
  readonly descriptions: Record<string, string> = {};

  constructor(
    private readonly audit: FakeAuditStore,
    readonly cohorts: Record<string, string[]>,
  ) {}

  /** Test setup: a tenant that exists before the scenario starts. */
  give(id: string, tier = 'standard', name = id): this {
    this.tenants[id] = { id, name, tier };
    return this;
  }

  async view(names: { tenants: readonly string[]; cohorts: readonly string[] }): Promise<TenancyView> {
    const tenants = Object.fromEntries(
      names.tenants.filter((id) => this.tenants[id]).map((id) => [id, { ...this.tenants[id]! }]),
    );
    const cohorts = Object.fromEntries(
      names.cohorts
        .filter((n) => this.cohorts[n])
        .map((n) => [n, { name: n, description: this.descriptions[n] ?? '', members: [...this.cohorts[n]!].sort() }]),
    );
    return { tenants, cohorts, tiers: [...new Set(Object.values(this.tenants).map((t) => t.tier))].sort() };
  }

  async apply(input: TenancyChangeInput): Promise<{ applied: boolean }> {
    const { change } = input;
    if (this.audit.recorded(input.changeId, change.op)) return { applied: false };
    const view = await this.view(tenancyChangeNames(change));
    recheckTenancy(change, view);
    const audit = tenancyAudit(change, view);
    switch (change.op) {
      case 'tenant.add':
        this.tenants[change.tenant.id] = { ...change.tenant };
        break;
      case 'tenant.set':
        this.tenants[change.after.id] = { ...change.after };
        break;
      case 'cohort.create':
        this.cohorts[change.cohort] = [];
        this.descriptions[change.cohort] = change.description;
        break;
      case 'cohort.add':
      case 'cohort.remove':
        this.cohorts[change.cohort] = audit.diff[`cohort ${change.cohort}.members`]!.new as string[];
        break;
    }
    this.audit.append(tenancyAuditEntry(input, audit));
    return { applied: true };
  }
}
