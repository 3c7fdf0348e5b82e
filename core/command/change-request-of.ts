import type { ChangeRequest } from '../change-request.js';
import type { FlagKind } from '../model/flag.js';
import { roleChangeOf } from './role-change.js';
import type { Command } from './schema.js';

export interface RequestContext {
  /** Who typed the command. */
  actor: string;
  /** The flag's kind, when the command names an existing flag. */
  flagKind?: FlagKind;
}

/**
 * What a parsed command asks to change, for RBAC and classification. Undefined for commands that
 * change nothing (help, show, list, get, history) or act on a change request rather than an entry
 * (approve, reject); a revert is described by the change it undoes, which the caller loads.
 */
export function changeRequestOf(input: Command, context: RequestContext): ChangeRequest | undefined {
  // `/oncall add|remove` is judged as the role change it is.
  const command = roleChangeOf(input) ?? input;
  const base = { action: command.name, requestedBy: context.actor };
  const flag = (key: string) => ({ ...base, entity: 'flag' as const, key, flagKind: context.flagKind });
  switch (command.name) {
    case 'flag.create':
      return { ...base, entity: 'flag', key: command.key, flagKind: command.kind };
    case 'flag.on':
    case 'flag.off':
    case 'flag.kill':
      return { ...flag(command.key), env: command.env, tenant: command.tenant };
    case 'flag.serve':
      return {
        ...flag(command.key),
        env: command.env,
        tenant: command.tenant,
        variation: command.variation,
        ...(command.tier ? { tier: command.tier } : {}),
      };
    case 'flag.rollout':
      return {
        ...flag(command.key),
        env: command.env,
        variation: command.variation,
        rollout: { to: 100, stages: command.stages, cohorts: command.cohorts },
      };
    case 'flag.rollout.pause':
    case 'flag.rollout.resume':
    case 'flag.rollout.abort':
    case 'flag.rule.add':
    case 'flag.rule.remove':
      return { ...flag(command.key), env: command.env };
    case 'flag.rollout.promote':
      return { ...flag(command.key), env: command.env, rollout: { to: 100 } };
    case 'flag.override':
      return {
        ...flag(command.key),
        env: command.all ? undefined : command.env,
        user: command.user,
        variation: command.variation,
      };
    case 'flag.break-glass':
      return { ...flag(command.key), env: command.env, variation: command.serve };
    case 'flag.guardrail.set':
    case 'flag.guardrail.remove':
      // A flag-level field: every environment serves it (judged on what it touches, docs/design.md#authorize-the-diff).
      return flag(command.key);
    case 'config.set':
      return {
        ...base,
        entity: 'config',
        key: command.key,
        env: command.env,
        tenant: command.tenant,
        user: command.user,
      };
    case 'config.secret.set':
      return { ...base, entity: 'secret', key: command.key, env: command.env };
    case 'change.role.grant':
    case 'change.role.revoke':
      return {
        ...base,
        entity: 'role',
        key: command.subject,
        env: command.env,
        tenant: command.tenant,
        role: command.role,
      };
    // Tenants and cohorts are the same in every environment; where they are judged is core/change/plan/tenancy.ts's tenancyUnits.
    case 'tenant.add':
      return { ...base, entity: 'tenant', key: command.id, tenant: command.id };
    case 'tenant.set':
      return {
        ...base,
        entity: 'tenant',
        key: command.id,
        tenant: command.id,
        ...(command.tier !== undefined ? { tier: command.tier } : {}),
      };
    case 'cohort.create':
    case 'cohort.add':
    case 'cohort.remove':
      return { ...base, entity: 'cohort', key: command.cohort };
    default:
      return undefined;
  }
}
