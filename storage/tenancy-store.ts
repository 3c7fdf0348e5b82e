import { recheckTenancy, tenancyAudit, tenancyChangeNames } from '../core/change/plan/tenancy-apply.js';
import type { TenancyView } from '../core/model/tenancy.js';
import { auditEventRecorded } from './audit-once.js';
import { logAudit, recordAudit } from './audit.js';
import { addCohortMembers, cohortsByName, insertCohort, removeCohortMembers } from './cohorts.js';
import { withTransaction, type Pool, type Queryable } from './db.js';
import type { StorageDeps } from './deps.js';
import { tenancyAuditEntry, type TenancyStore } from './tenancy-store-type.js';
import { insertTenant, tenantsById, tiersInUse, updateTenant } from './tenants.js';

async function viewOf(
  db: Queryable,
  names: { tenants: readonly string[]; cohorts: readonly string[] },
  forUpdate = false,
): Promise<TenancyView> {
  return {
    tenants: await tenantsById(db, names.tenants, { forUpdate }),
    cohorts: await cohortsByName(db, names.cohorts),
    tiers: await tiersInUse(db),
  };
}

/** TenancyStore on Postgres: the tables of the core schema, audited in the same transaction. */
export function postgresTenancyStore(deps: Pick<StorageDeps, 'log'> & { pool: Pool }): TenancyStore {
  const { pool, log } = deps;
  return {
    view: (names) => viewOf(pool, names),
    async apply(input) {
      const { change } = input;
      const row = await withTransaction(pool, async (client) => {
        // Tenancy changes are rare: one lock serializes them, so a retry and its original (or two
        // requests for the same id) cannot both pass the checks below.
        await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', ['switchyard:tenancy']);
        if (await auditEventRecorded(client, input.changeId, change.op)) return undefined;
        const view = await viewOf(client, tenancyChangeNames(change), true);
        recheckTenancy(change, view);
        const audit = tenancyAudit(change, view);
        switch (change.op) {
          case 'tenant.add':
            await insertTenant(client, change.tenant);
            break;
          case 'tenant.set':
            await updateTenant(client, change.after);
            break;
          case 'cohort.create':
            await insertCohort(client, change.cohort, change.description);
            break;
          case 'cohort.add':
            await addCohortMembers(client, change.cohort, change.tenants);
            break;
          case 'cohort.remove':
            await removeCohortMembers(client, change.cohort, change.tenants);
            break;
        }
        return recordAudit(client, tenancyAuditEntry(input, audit));
      });
      if (row) logAudit(log, row);
      return { applied: row !== undefined };
    },
  };
}
