import { ValidationError } from '../core/errors.js';
import type { Cohort } from '../core/model/tenancy.js';
import type { Queryable } from './db.js';

/** The refusal for cohorts that do not exist, with the command that creates them. */
export function unknownCohorts(missing: readonly string[]): ValidationError {
  return new ValidationError(
    `unknown cohort(s): ${missing.join(', ')} (create one with /cohort create ${missing[0]}; see /cohort list)`,
  );
}

/** Tenants per cohort name; an unknown cohort is an error naming it. */
export async function tenantsOfCohorts(db: Queryable, cohorts: string[]): Promise<Record<string, string[]>> {
  const found = Object.fromEntries(Object.values(await cohortsByName(db, cohorts)).map((c) => [c.name, c.members]));
  const missing = cohorts.filter((c) => !(c in found));
  if (missing.length) throw unknownCohorts(missing);
  return found;
}

/** Cohorts by name with their members (the ones named, or every one; absent: no such cohort). */
export async function cohortsByName(db: Queryable, names?: readonly string[]): Promise<Record<string, Cohort>> {
  if (names && !names.length) return {};
  const { rows } = await db.query<{ name: string; description: string; members: string[] | null }>(
    `SELECT c.name, c.description, array_remove(array_agg(m.tenant_id ORDER BY m.tenant_id), NULL) AS members
     FROM cohorts c LEFT JOIN cohort_members m ON m.cohort = c.name WHERE $1::text[] IS NULL OR c.name = ANY($1) GROUP BY c.name ORDER BY c.name`,
    [names ? [...names] : null],
  );
  return Object.fromEntries(
    rows.map((r) => [r.name, { name: r.name, description: r.description, members: r.members ?? [] }]),
  );
}

/** Creates a cohort; false when the name is taken. */
export async function insertCohort(db: Queryable, name: string, description: string): Promise<boolean> {
  const { rowCount } = await db.query(
    'INSERT INTO cohorts (name, description) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING',
    [name, description],
  );
  return Boolean(rowCount);
}

/** Adds tenants to a cohort; the ones that were not in it yet. */
export async function addCohortMembers(db: Queryable, cohort: string, tenants: readonly string[]): Promise<string[]> {
  const { rows } = await db.query<{ tenant_id: string }>(
    'INSERT INTO cohort_members (cohort, tenant_id) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING RETURNING tenant_id',
    [cohort, [...tenants]],
  );
  return rows.map((r) => r.tenant_id).sort();
}

/** Removes tenants from a cohort; the ones that were in it. */
export async function removeCohortMembers(
  db: Queryable,
  cohort: string,
  tenants: readonly string[],
): Promise<string[]> {
  const { rows } = await db.query<{ tenant_id: string }>(
    'DELETE FROM cohort_members WHERE cohort = $1 AND tenant_id = ANY($2) RETURNING tenant_id',
    [cohort, [...tenants]],
  );
  return rows.map((r) => r.tenant_id).sort();
}
