import type { ActivityStores, CohortStore } from '../../storage/activity-stores.js';
import { unknownCohorts } from '../../storage/cohorts.js';
import { FakeAuditStore } from './fake-audit-store.js';
import { FakeEntryStore } from './fake-entry-store.js';
import { FakeIncidentStore } from './fake-incident-store.js';
import { FakeRoleBindingStore } from './fake-role-binding-store.js';
import { FakeTenancyStore } from './fake-tenancy-store.js';

export { FakeAuditStore, FakeEntryStore, FakeIncidentStore, FakeRoleBindingStore, FakeTenancyStore };

/** Cohorts in memory: name → tenants. */
export class FakeCohortStore implements CohortStore {
  constructor(readonly cohorts: Record<string, string[]> = {}) {}

  async tenantsOf(names: string[]): Promise<Record<string, string[]>> {
    const missing = names.filter((n) => !(n in this.cohorts));
    if (missing.length) throw unknownCohorts(missing);
    return Object.fromEntries(names.map((n) => [n, [...this.cohorts[n]!]]));
  }
}

export interface FakeActivityStores extends ActivityStores {
  entries: FakeEntryStore;
  roleBindings: FakeRoleBindingStore;
  cohorts: FakeCohortStore;
  tenancy: FakeTenancyStore;
  audit: FakeAuditStore;
  incidents: FakeIncidentStore;
}

/** Every store the activities use, in memory and sharing one audit log: the fakes' counterpart of postgresActivityStores. */
export function fakeActivityStores(cohorts: Record<string, string[]> = {}): FakeActivityStores {
  const audit = new FakeAuditStore();
  const cohortStore = new FakeCohortStore(cohorts);
  return {
    entries: new FakeEntryStore(audit),
    roleBindings: new FakeRoleBindingStore(audit),
    cohorts: cohortStore,
    tenancy: new FakeTenancyStore(audit, cohortStore.cohorts),
    audit,
    incidents: new FakeIncidentStore(),
  };
}
