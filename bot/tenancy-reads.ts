import type { CommandOf } from '../core/command/schema.js';
import type { Message } from '../render/blocks.js';
import { renderCohortList, renderTenantList } from '../render/tenancy.js';
import { cohortsByName } from '../storage/cohorts.js';
import type { Pool } from '../storage/db.js';
import { listTenants } from '../storage/tenants.js';

/** `/tenant list` and `/cohort list`, straight from the tables. */
export async function answerTenancyRead(
  command: CommandOf<'tenant.list' | 'cohort.list'>,
  pool: Pool,
): Promise<Message> {
  if (command.name === 'tenant.list') return renderTenantList(await listTenants(pool));
  return renderCohortList(Object.values(await cohortsByName(pool)));
}
