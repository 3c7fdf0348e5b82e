import type { Policy } from '../../policy.js';
import type { TouchedUnit } from '../../change-request.js';
import { CHANGE_REQUEST_COMMANDS, COMMAND_KINDS } from '../../command/kinds.js';
import type { CommandOf } from '../../command/schema.js';
import { ValidationError } from '../../errors.js';
import { DEFAULT_TIER, type Tenant, type TenancyChange, type TenancyView } from '../../model/tenancy.js';
import type { ChangePlan, PlanContext } from './plan.js';

/** The commands that change the tenants and cohorts tables rather than an entry version. */
export type TenancyCommand = CommandOf<'tenant.add' | 'tenant.set' | 'cohort.create' | 'cohort.add' | 'cohort.remove'>;

/** From the command-kind table: the change requests whose entity is a tenant or a cohort. */
const TENANCY_COMMANDS: ReadonlySet<string> = new Set(
  [...CHANGE_REQUEST_COMMANDS].filter((name) =>
    ['tenant', 'cohort'].includes(COMMAND_KINDS[name as keyof typeof COMMAND_KINDS].entity),
  ),
);

export function isTenancyCommand(command: { name: string }): command is TenancyCommand {
  return TENANCY_COMMANDS.has(command.name);
}

/** The tenants and cohorts a command reads, for the caller to load into `PlanContext.tenancy`. */
export function tenancyNames(command: TenancyCommand): { tenants: string[]; cohorts: string[] } {
  switch (command.name) {
    case 'tenant.add':
    case 'tenant.set':
      return { tenants: [command.id], cohorts: [] };
    case 'cohort.create':
      return { tenants: [], cohorts: [command.cohort] };
    case 'cohort.add':
    case 'cohort.remove':
      return { tenants: command.tenants, cohorts: [command.cohort] };
  }
}

/**
 * Where a tenancy change is judged (docs/design.md#roles): tenants and cohorts are the same in
 * every environment and reach production, so the change is judged as a production change, one
 * unit per production environment (for a tenant's own settings, that tenant in each). Judging it
 * as "every environment" instead would need one person with rights in each environment to
 * approve it; an operator in production is who answers for tenants.
 */
export function tenancyUnits(tenant: string | undefined, policy: Policy): TouchedUnit[] {
  return policy.production.map((env) => ({ env, ...(tenant ? { tenant } : {}) }));
}

const code = (items: readonly string[]) => items.map((i) => `\`${i}\``).join(', ');

function describeTenant(t: Tenant): string {
  return `${t.name === t.id ? '' : `${t.name}, `}tier ${t.tier}`;
}

/** The tenants a command names, refused with the command that adds the missing ones. */
function requireTenants(view: TenancyView, ids: readonly string[]): void {
  const missing = ids.filter((id) => !view.tenants[id]);
  if (!missing.length) return;
  const add = missing.map((id) => `/tenant add ${id}`).join(', ');
  throw new ValidationError(
    `no tenant ${code(missing)}: add ${missing.length === 1 ? 'it' : 'them'} with ${add} (see /tenant list)`,
  );
}

function requireCohort(view: TenancyView, name: string) {
  const cohort = view.cohorts[name];
  if (!cohort)
    throw new ValidationError(`no cohort \`${name}\`: create it with /cohort create ${name} (see /cohort list)`);
  return cohort;
}

function plan(
  kind: 'tenant' | 'cohort',
  key: string,
  tenancy: TenancyChange,
  summary: string,
  tenant?: string,
): ChangePlan {
  return {
    kind,
    key,
    action: tenancy.op,
    envs: [],
    ...(tenant ? { tenant } : {}),
    expectedVersion: 0,
    summary,
    tenancy,
    entryKind: kind,
  };
}

/** `/tenant add|set`, `/cohort create|add|remove`: what the tables get, refused when it names what does not exist or changes nothing. */
export function tenancyPlan(ctx: PlanContext, command: TenancyCommand): ChangePlan {
  const view = ctx.tenancy;
  if (!view)
    throw new Error(
      `${command.name} is planned against the tenants and cohorts it names: load them into PlanContext.tenancy`,
    );
  switch (command.name) {
    case 'tenant.add': {
      const existing = view.tenants[command.id];
      if (existing)
        throw new ValidationError(
          `tenant \`${command.id}\` already exists (${describeTenant(existing)}): change it with /tenant set ${command.id} --tier <tier>`,
        );
      const tenant = { id: command.id, name: command.displayName ?? command.id, tier: command.tier ?? DEFAULT_TIER };
      return plan(
        'tenant',
        tenant.id,
        { op: 'tenant.add', tenant },
        `new tenant ${tenant.id} (${describeTenant(tenant)})`,
        tenant.id,
      );
    }
    case 'tenant.set': {
      requireTenants(view, [command.id]);
      const before = view.tenants[command.id]!;
      const after = { ...before, tier: command.tier ?? before.tier, name: command.displayName ?? before.name };
      const changes = [
        after.tier !== before.tier && `tier ${before.tier} → ${after.tier}`,
        after.name !== before.name && `name "${before.name}" → "${after.name}"`,
      ].filter((c): c is string => Boolean(c));
      if (!changes.length)
        throw new ValidationError(`tenant \`${before.id}\` already is ${describeTenant(before)}: nothing to change`);
      return plan(
        'tenant',
        before.id,
        { op: 'tenant.set', before, after },
        `tenant ${before.id}: ${changes.join('; ')}`,
        before.id,
      );
    }
    case 'cohort.create': {
      const existing = view.cohorts[command.cohort];
      if (existing) {
        throw new ValidationError(
          `cohort \`${command.cohort}\` already exists (${existing.members.length} tenant${existing.members.length === 1 ? '' : 's'}): add tenants with /cohort add ${command.cohort} <tenant…>`,
        );
      }
      const description = command.description?.trim() ?? '';
      return plan(
        'cohort',
        command.cohort,
        { op: 'cohort.create', cohort: command.cohort, description },
        `new cohort ${command.cohort}${description ? ` (${description})` : ''}, no tenants yet`,
      );
    }
    case 'cohort.add':
    case 'cohort.remove': {
      const cohort = requireCohort(view, command.cohort);
      const members = new Set(cohort.members);
      let tenants: string[];
      if (command.name === 'cohort.add') {
        requireTenants(view, command.tenants);
        tenants = command.tenants.filter((t) => !members.has(t));
        if (!tenants.length)
          throw new ValidationError(`${code(command.tenants)} already in cohort ${cohort.name}: nothing to change`);
      } else {
        const strangers = command.tenants.filter((t) => !members.has(t));
        if (strangers.length)
          throw new ValidationError(
            `${code(strangers)} ${strangers.length === 1 ? 'is' : 'are'} not in cohort ${cohort.name} (members: ${cohort.members.join(', ') || 'none'}): see /cohort list`,
          );
        tenants = command.tenants;
      }
      const after = command.name === 'cohort.add' ? members.size + tenants.length : members.size - tenants.length;
      const skipped = command.tenants.filter((t) => !tenants.includes(t));
      const verb = command.name === 'cohort.add' ? 'add' : 'remove';
      const summary = `cohort ${cohort.name}: ${verb} ${tenants.join(', ')} (${members.size} → ${after} tenants${skipped.length ? `; ${skipped.join(', ')} already in` : ''})`;
      return plan(
        'cohort',
        cohort.name,
        { op: command.name, cohort: cohort.name, tenants, members: [...cohort.members] },
        summary,
        tenants.length === 1 ? tenants[0] : undefined,
      );
    }
  }
}

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
