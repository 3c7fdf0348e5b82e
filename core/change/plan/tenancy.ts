import type { Policy } from '../../policy.js';
import type { TouchedUnit } from '../../change-request.js';
import { CHANGE_REQUEST_COMMANDS, COMMAND_KINDS } from '../../command/kinds.js';
import type { CommandOf } from '../../command/schema.js';
import { ValidationError } from '../../errors.js';
import { DEFAULT_TIER, type TenancyChange } from '../../model/tenancy.js';
import type { ChangePlan, PlanContext } from './plan.js';
import { code, describeTenant, requireCohort, requireTenants } from './tenancy-checks.js';

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
