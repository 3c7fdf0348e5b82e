import type { CommandOf } from '../core/command/schema.js';
import { canReadAll, tenancyPlaces, type ReadScope } from '../core/read-access.js';
import type { Message } from '../render/blocks.js';
import { renderCohortList, renderTenantList } from '../render/tenancy.js';
import { cohortsByName } from '../storage/cohorts.js';
import type { Pool } from '../storage/db.js';
import { listTenants } from '../storage/tenants.js';

/**
 * `/tenant list` and `/cohort list`, straight from the tables, as far as the reader covers them: a
 * tenant is read where its settings count (each production environment, for that tenant), a
 * cohort in full by a reader of every tenant there, else with only the member tenants it covers.
 */
export async function answerTenancyRead(
  command: CommandOf<'tenant.list' | 'cohort.list'>,
  pool: Pool,
  scope: ReadScope,
): Promise<Message> {
  const readsTenant = (tenant: string) => canReadAll(scope, tenancyPlaces(scope.policy, tenant));
  if (command.name === 'tenant.list')
    return renderTenantList((await listTenants(pool)).filter((t) => readsTenant(t.id)));
  const everyTenant = canReadAll(scope, tenancyPlaces(scope.policy));
  const cohorts = Object.values(await cohortsByName(pool)).flatMap((c) => {
    if (everyTenant) return [c];
    const members = c.members.filter(readsTenant);
    return members.length ? [{ ...c, members }] : [];
  });
  return renderCohortList(cohorts);
}
