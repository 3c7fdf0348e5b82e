import type { Tenant } from '../core/model/tenancy.js';
import type { Queryable } from './db.js';

/** Tenants by id (the ones named; absent: no such tenant). */
export async function tenantsById(
  db: Queryable,
  ids: readonly string[],
  options: { forUpdate?: boolean } = {},
): Promise<Record<string, Tenant>> {
  if (!ids.length) return {};
  const { rows } = await db.query<Tenant>(
    `SELECT id, name, tier FROM tenants WHERE id = ANY($1)${options.forUpdate ? ' FOR UPDATE' : ''}`,
    [[...ids]],
  );
  return Object.fromEntries(rows.map((r) => [r.id, { id: r.id, name: r.name, tier: r.tier }]));
}

/** Every tenant, by id, with the cohorts it belongs to. */
export async function listTenants(db: Queryable): Promise<Array<Tenant & { cohorts: string[] }>> {
  const { rows } = await db.query<Tenant & { cohorts: string[] }>(
    `SELECT t.id, t.name, t.tier, array_remove(array_agg(m.cohort ORDER BY m.cohort), NULL) AS cohorts
     FROM tenants t LEFT JOIN cohort_members m ON m.tenant_id = t.id GROUP BY t.id ORDER BY t.id`,
  );
  return rows.map((r) => ({ id: r.id, name: r.name, tier: r.tier, cohorts: r.cohorts ?? [] }));
}

/** The tiers tenants have today, sorted. */
export async function tiersInUse(db: Queryable): Promise<string[]> {
  const { rows } = await db.query<{ tier: string }>('SELECT DISTINCT tier FROM tenants ORDER BY tier');
  return rows.map((r) => r.tier);
}

/** Adds a tenant; false when the id is taken. */
export async function insertTenant(db: Queryable, tenant: Tenant): Promise<boolean> {
  const { rowCount } = await db.query(
    'INSERT INTO tenants (id, name, tier) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING',
    [tenant.id, tenant.name, tenant.tier],
  );
  return Boolean(rowCount);
}

export async function updateTenant(db: Queryable, tenant: Tenant): Promise<void> {
  await db.query('UPDATE tenants SET name = $2, tier = $3 WHERE id = $1', [tenant.id, tenant.name, tenant.tier]);
}
