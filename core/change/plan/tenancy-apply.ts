import { ValidationError } from '../../errors.js';
import type { TenancyChange, TenancyView } from '../../model/tenancy.js';
import { describeTenant, requireCohort, requireTenants } from './tenancy-checks.js';

/**
 * What applying a tenancy change re-checks against the tables as they are then (the plan may have
 * waited for a second person): the same refusals as planning, and a tenant whose settings moved
 * since the plan is not overwritten. Throws a ValidationError naming what to do instead.
 */
export function recheckTenancy(change: TenancyChange, view: TenancyView): void {
  switch (change.op) {
    case 'tenant.add': {
      const existing = view.tenants[change.tenant.id];
      if (existing)
        throw new ValidationError(
          `tenant \`${existing.id}\` already exists (${describeTenant(existing)}): change it with /tenant set ${existing.id} --tier <tier>`,
        );
      return;
    }
    case 'tenant.set': {
      requireTenants(view, [change.before.id]);
      const now = view.tenants[change.before.id]!;
      if (now.tier !== change.before.tier || now.name !== change.before.name) {
        throw new ValidationError(
          `tenant \`${now.id}\` changed after this request was made (${describeTenant(change.before)} then, ${describeTenant(now)} now): nothing was applied — see /tenant list and ask again`,
        );
      }
      return;
    }
    case 'cohort.create': {
      if (view.cohorts[change.cohort])
        throw new ValidationError(
          `cohort \`${change.cohort}\` already exists: add tenants with /cohort add ${change.cohort} <tenant…>`,
        );
      return;
    }
    case 'cohort.add':
      requireCohort(view, change.cohort);
      requireTenants(view, change.tenants);
      return;
    case 'cohort.remove':
      requireCohort(view, change.cohort);
  }
}

/** The audit row's what of a tenancy change: entity, the tenants it names, old → new. */
export function tenancyAudit(
  change: TenancyChange,
  view: TenancyView,
): {
  entityKind: 'tenant' | 'cohort';
  entityKey: string;
  tenants: string[];
  diff: Record<string, { old: unknown; new: unknown }>;
} {
  switch (change.op) {
    case 'tenant.add':
      return {
        entityKind: 'tenant',
        entityKey: change.tenant.id,
        tenants: [change.tenant.id],
        diff: {
          [`tenant ${change.tenant.id}`]: { old: null, new: { name: change.tenant.name, tier: change.tenant.tier } },
        },
      };
    case 'tenant.set': {
      const { before, after } = change;
      const diff: Record<string, { old: unknown; new: unknown }> = {};
      if (before.tier !== after.tier) diff[`tenant ${before.id}.tier`] = { old: before.tier, new: after.tier };
      if (before.name !== after.name) diff[`tenant ${before.id}.name`] = { old: before.name, new: after.name };
      return { entityKind: 'tenant', entityKey: before.id, tenants: [before.id], diff };
    }
    case 'cohort.create':
      return {
        entityKind: 'cohort',
        entityKey: change.cohort,
        tenants: [],
        diff: { [`cohort ${change.cohort}`]: { old: null, new: { description: change.description, members: [] } } },
      };
    case 'cohort.add':
    case 'cohort.remove': {
      const before = view.cohorts[change.cohort]?.members ?? [];
      const after =
        change.op === 'cohort.add'
          ? [...new Set([...before, ...change.tenants])].sort()
          : before.filter((t) => !change.tenants.includes(t));
      return {
        entityKind: 'cohort',
        entityKey: change.cohort,
        tenants: [...change.tenants],
        diff: { [`cohort ${change.cohort}.members`]: { old: before, new: after } },
      };
    }
  }
}

/** The names a tenancy change reads when it is applied. */
export function tenancyChangeNames(change: TenancyChange): { tenants: string[]; cohorts: string[] } {
  switch (change.op) {
    case 'tenant.add':
      return { tenants: [change.tenant.id], cohorts: [] };
    case 'tenant.set':
      return { tenants: [change.before.id], cohorts: [] };
    case 'cohort.create':
      return { tenants: [], cohorts: [change.cohort] };
    case 'cohort.add':
    case 'cohort.remove':
      return { tenants: change.tenants, cohorts: [change.cohort] };
  }
}
