import { ValidationError } from '../../errors.js';
import type { Tenant, TenancyView } from '../../model/tenancy.js';

// What planning a tenancy change and applying it later (tenancy-apply.ts) both refuse, in the same words.
export const code = (items: readonly string[]) => items.map((i) => `\`${i}\``).join(', ');

export function describeTenant(t: Tenant): string {
  return `${t.name === t.id ? '' : `${t.name}, `}tier ${t.tier}`;
}

/** The tenants a command names, refused with the command that adds the missing ones. */
export function requireTenants(view: TenancyView, ids: readonly string[]): void {
  const missing = ids.filter((id) => !view.tenants[id]);
  if (!missing.length) return;
  const add = missing.map((id) => `/tenant add ${id}`).join(', ');
  throw new ValidationError(
    `no tenant ${code(missing)}: add ${missing.length === 1 ? 'it' : 'them'} with ${add} (see /tenant list)`,
  );
}

export function requireCohort(view: TenancyView, name: string) {
  const cohort = view.cohorts[name];
  if (!cohort)
    throw new ValidationError(`no cohort \`${name}\`: create it with /cohort create ${name} (see /cohort list)`);
  return cohort;
}
