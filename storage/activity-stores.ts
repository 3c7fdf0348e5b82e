import type { Policy } from '../core/policy.js';
import { recordAuditOnce } from './audit-once.js';
import type { AuditStore } from './audit-store-type.js';
import { tenantsOfCohorts } from './cohorts.js';
import type { StorageDeps } from './deps.js';
import type { EntryStore } from './entry-store-type.js';
import { postgresEntryStore } from './entry-store.js';
import type { IncidentStore } from './incident-store-type.js';
import { postgresIncidentStore } from './incidents.js';
import type { RoleBindingStore } from './role-binding-store-type.js';
import { postgresRoleBindingStore } from './role-binding-store.js';
import type { TenancyStore } from './tenancy-store-type.js';
import { postgresTenancyStore } from './tenancy-store.js';

/** Cohorts of tenants, as rollouts by cohort read them. */
export interface CohortStore {
  /** Tenants per cohort name; ValidationError naming any unknown cohort. */
  tenantsOf(cohorts: string[]): Promise<Record<string, string[]>>;
}

/** Every store the workflows' activities use: Postgres and Redis in the worker, in-memory fakes in unit tests. */
export interface ActivityStores {
  entries: EntryStore;
  roleBindings: RoleBindingStore;
  cohorts: CohortStore;
  tenancy: TenancyStore;
  audit: AuditStore;
  incidents: IncidentStore;
}

/** The stores on Postgres and Redis: the one place the worker's activities are wired to real storage. */
export function postgresActivityStores(deps: StorageDeps & { policy: Policy }): ActivityStores {
  return {
    entries: postgresEntryStore(deps),
    roleBindings: postgresRoleBindingStore(deps),
    cohorts: { tenantsOf: (cohorts) => tenantsOfCohorts(deps.pool, cohorts) },
    tenancy: postgresTenancyStore(deps),
    audit: { recordOnce: (eventId, entry) => recordAuditOnce(deps, eventId, entry) },
    incidents: postgresIncidentStore(deps.pool),
  };
}
