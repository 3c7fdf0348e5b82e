import { ValidationError } from '../core/errors.js';
import type { Queryable } from './db.js';

/** Tenants per cohort name; an unknown cohort is an error naming it. */
export async function tenantsOfCohorts(db: Queryable, cohorts: string[]): Promise<Record<string, string[]>> {
  const { rows } = await db.query<{ name: string; tenants: string[] | null }>(
    `SELECT c.name, array_remove(array_agg(m.tenant_id ORDER BY m.tenant_id), NULL) AS tenants
     FROM cohorts c LEFT JOIN cohort_members m ON m.cohort = c.name WHERE c.name = ANY($1) GROUP BY c.name`,
    [cohorts],
  );
  const found = Object.fromEntries(rows.map((r) => [r.name, r.tenants ?? []]));
  const missing = cohorts.filter((c) => !(c in found));
  if (missing.length) throw new ValidationError(`unknown cohort(s): ${missing.join(', ')}`);
  return found;
}
