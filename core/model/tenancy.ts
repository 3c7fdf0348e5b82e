import { z } from 'zod';
import { KEY_PATTERN } from './flag.js';

/**
 * Tenants and cohorts (docs/design.md#environments-tenants-and-cohorts): a tenant is an
 * organisation, identified in evaluation contexts by `tenant.id`, with a tier; a cohort is a named
 * group of tenants that a cohort rollout serves one after another. They live in their own tables,
 * not in entry versions, and they are the same in every environment.
 */

/** A tenant id as apps send it in `tenant.id`: no spaces or commas, so lists of them read unambiguously. */
export const TENANT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;
/** A tier is matched by rules as written (`tenant.tier eq enterprise`): one lowercase word. */
export const TIER_PATTERN = /^[a-z][a-z0-9_-]{0,39}$/;
/** The tier of a tenant added without one (the tenants table's default too). */
export const DEFAULT_TIER = 'standard';

export const tenantIdSchema = z
  .string()
  .regex(
    TENANT_ID_PATTERN,
    'must be letters, digits, ".", "_", ":" or "-" (at most 128), starting with a letter or digit',
  );
export const tierSchema = z
  .string()
  .regex(TIER_PATTERN, 'must be one lowercase word (letters, digits, "_" or "-"), e.g. enterprise');
/** Cohort names follow entry keys: they are typed in `--cohorts beta,standard`. */
export const cohortNameSchema = z
  .string()
  .regex(KEY_PATTERN, 'must be lowercase letters, digits, ".", "_" or "-", starting with a letter or digit');

export interface Tenant {
  id: string;
  name: string;
  tier: string;
}

export interface Cohort {
  name: string;
  description: string;
  /** Tenant ids, sorted. */
  members: string[];
}

/**
 * What a tenancy change is planned against: the tenants and cohorts it names, as they are now
 * (a name missing from a record does not exist), and the tiers tenants have today.
 */
export interface TenancyView {
  tenants: Record<string, Tenant>;
  cohorts: Record<string, Cohort>;
  tiers: string[];
}

/** What a tenancy change writes, worked out by the planner (core/change/plan/tenancy.ts) and applied by storage once. */
export type TenancyChange =
  | { op: 'tenant.add'; tenant: Tenant }
  /** `before` is what the plan was made against: applying refuses if the tenant changed since. */
  | { op: 'tenant.set'; before: Tenant; after: Tenant }
  | { op: 'cohort.create'; cohort: string; description: string }
  /** `tenants` are the ones that join or leave; `members` the cohort's members when planned. */
  | { op: 'cohort.add' | 'cohort.remove'; cohort: string; tenants: string[]; members: string[] };
