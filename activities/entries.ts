import type { Pool } from 'pg';
import type { ConfigEntry } from '../core/model/config-entry.js';
import type { FlagDocument } from '../core/model/flag.js';
import { ValidationError } from '../core/errors.js';
import { latestVersion } from '../storage/entry-versions.js';
import { ROLES, type Role, type RoleBinding } from '../core/rbac.js';
import { listRoleBindings } from '../storage/role-bindings.js';

export type LoadedEntry =
  | { kind: 'flag'; document: FlagDocument; version: number }
  | { kind: 'config'; document: ConfigEntry; version: number };

/** The latest version of a flag or config entry, read at the moment the activity runs. */
export async function loadEntry(pool: Pool, kind: 'flag' | 'config', key: string): Promise<LoadedEntry | null> {
  const row = await latestVersion<FlagDocument & ConfigEntry>(pool, kind, key);
  return row ? { kind, document: row.document, version: row.version } : null;
}

/** Live role bindings of one subject: authorization always reads them fresh, never from the request. */
export async function liveRoleBindings(pool: Pool, subject: string): Promise<RoleBinding[]> {
  const rows = await listRoleBindings(pool, subject);
  return rows
    .filter((r) => (ROLES as readonly string[]).includes(r.role))
    .map((r) => ({ subject: r.subject, role: r.role as Role, ...(r.env ? { env: r.env } : {}), ...(r.tenant ? { tenant: r.tenant } : {}) }));
}

/** Tenants per cohort name; an unknown cohort is an error naming it. */
export async function tenantsOfCohorts(pool: Pool, cohorts: string[]): Promise<Record<string, string[]>> {
  const { rows } = await pool.query<{ name: string; tenants: string[] | null }>(
    `SELECT c.name, array_remove(array_agg(m.tenant_id ORDER BY m.tenant_id), NULL) AS tenants
     FROM cohorts c LEFT JOIN cohort_members m ON m.cohort = c.name WHERE c.name = ANY($1) GROUP BY c.name`,
    [cohorts],
  );
  const found = Object.fromEntries(rows.map((r) => [r.name, r.tenants ?? []]));
  const missing = cohorts.filter((c) => !(c in found));
  if (missing.length) throw new ValidationError(`unknown cohort(s): ${missing.join(', ')}`);
  return found;
}
