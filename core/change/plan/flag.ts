import { isDeepStrictEqual } from 'node:util';
import type { CommandOf } from '../../command/schema.js';
import { ValidationError } from '../../errors.js';
import type { FlagDocument } from '../../model/flag.js';
import { offVariationId, validateFlag } from '../../model/validate-flag.js';
import {
  addRule,
  booleanVariation,
  kill,
  overrideUser,
  removeRule,
  serveVariation,
  unkill,
} from '../../operations/flag-operations.js';
import { describeEnv } from '../describe-env.js';
import { requireEnv, requireFlag } from './context.js';
import type { ChangePlan, PlanContext } from './plan.js';

/** The flag commands whose next document is worked out here (a rollout's stages are written by its workflow: ./rollout.ts). */
export type FlagEditCommand = CommandOf<
  | 'flag.on'
  | 'flag.off'
  | 'flag.serve'
  | 'flag.kill'
  | 'flag.rule.add'
  | 'flag.rule.remove'
  | 'flag.override'
  | 'flag.break-glass'
>;

/** A plan for the flag's next document, refused when it would change nothing that is served. */
export function flagPlan(
  ctx: PlanContext,
  flag: FlagDocument,
  next: FlagDocument,
  action: string,
  envs: string[],
  tenant?: string,
): ChangePlan {
  const { flag: validated } = validateFlag(next, { now: ctx.now, mode: 'import' });
  if (isDeepStrictEqual(validated, validateFlag(flag, { now: ctx.now, mode: 'import' }).flag)) {
    throw new ValidationError(
      `${flag.key} already ${envs.length ? `is ${envs.map((e) => `${describeEnv(flag, e)} in ${e}`).join('; ')}` : 'looks like that'}: nothing to change`,
    );
  }
  const summary = envs
    .map(
      (env) =>
        `${flag.key} in ${env}${tenant ? ` (tenant ${tenant})` : ''}: ${describeEnv(flag, env)} → ${describeEnv(validated, env)}`,
    )
    .join('; ');
  return {
    kind: 'flag',
    key: flag.key,
    action,
    envs,
    tenant,
    target: { kind: 'flag', key: flag.key, document: validated },
    expectedVersion: ctx.version,
    summary,
    entryKind: flag.kind,
  };
}

/** `/flag create`: a new flag, validated as created now; variations default to on/off. */
export function createPlan(ctx: PlanContext, command: CommandOf<'flag.create'>): ChangePlan {
  if (ctx.current) throw new ValidationError(`\`${command.key}\` already exists (version ${ctx.version})`);
  const variations = command.variations ?? [
    { id: 'on', value: true },
    { id: 'off', value: false },
  ];
  // The implicit on/off pair defaults by kind (an ops flag on, anything else off); one's own variations need `--default`.
  if (command.variations && command.default === undefined) {
    throw new ValidationError(
      `a flag with its own variations needs a default: give --default <one of ${variations.map((v) => v.id).join(', ')}>`,
    );
  }
  const defaultId = command.default ?? (command.kind === 'ops' ? 'on' : 'off');
  const { flag } = validateFlag(
    {
      key: command.key,
      kind: command.kind,
      owner: command.owner,
      description: command.description,
      valueType: command.type,
      variations,
      default: defaultId,
      ...(command.off !== undefined ? { offVariation: command.off } : {}),
      expiry: command.expiry,
      ticket: command.ticket,
      createdAt: ctx.now.toISOString(),
    },
    { now: ctx.now, mode: 'create' },
  );
  return {
    kind: 'flag',
    key: flag.key,
    action: 'flag.create',
    envs: [],
    target: { kind: 'flag', key: flag.key, document: flag },
    expectedVersion: 0,
    summary: `new ${flag.kind} flag ${flag.key} (${flag.variations.map((v) => v.id).join(', ')}; default ${defaultId}; a kill serves ${offVariationId(flag)}), owner ${flag.owner}`,
    entryKind: flag.kind,
  };
}

/** The environments a command reaches: the one it names, or every one with `--all` (never neither). */
function envsOf(ctx: PlanContext, command: { env?: string; all?: boolean }, what: string, needs: string): string[] {
  if (!command.all && !command.env) throw new ValidationError(`${what} needs ${needs}`);
  return command.all ? ctx.environments : [requireEnv(command.env, ctx.environments, what)];
}

/** Serving, kills, rules and overrides of an existing flag. */
export function flagEditPlan(ctx: PlanContext, command: FlagEditCommand): ChangePlan {
  const flag = requireFlag(ctx, command.key);
  switch (command.name) {
    case 'flag.on':
    case 'flag.off': {
      const env = requireEnv(command.env, ctx.environments, command.name);
      const on = command.name === 'flag.on';
      const served = serveVariation(flag, env, booleanVariation(flag, on), command.tenant);
      // Turning a killed flag on means lifting the kill too; otherwise `on` would change nothing served.
      return flagPlan(
        ctx,
        flag,
        on ? unkill(served, env, command.tenant) : served,
        command.name,
        [env],
        command.tenant,
      );
    }
    case 'flag.serve': {
      const env = requireEnv(command.env, ctx.environments, 'flag serve');
      return flagPlan(
        ctx,
        flag,
        serveVariation(flag, env, command.variation, command.tenant),
        'flag.serve',
        [env],
        command.tenant,
      );
    }
    case 'flag.kill': {
      const envs = envsOf(ctx, command, 'flag kill', '--env <env> or --all');
      return flagPlan(
        ctx,
        flag,
        envs.reduce((doc, env) => kill(doc, env, command.tenant), flag),
        'flag.kill',
        envs,
        command.tenant,
      );
    }
    case 'flag.rule.add': {
      const env = requireEnv(command.env, ctx.environments, 'flag rule add');
      const state = flag.environments[env];
      const priority =
        command.priority ?? (state?.rules.length ? Math.max(...state.rules.map((r) => r.priority)) + 1 : 1);
      const next = addRule(flag, env, { priority, condition: command.condition, action: { serve: command.serve } });
      return flagPlan(ctx, flag, next, 'flag.rule.add', [env]);
    }
    case 'flag.rule.remove': {
      const env = requireEnv(command.env, ctx.environments, 'flag rule remove');
      return flagPlan(ctx, flag, removeRule(flag, env, command.ruleId), 'flag.rule.remove', [env]);
    }
    case 'flag.override': {
      // One environment, or every one only when asked for: a pin in production is a production change.
      const envs = envsOf(ctx, command, 'flag override', '--env <env> (one environment) or --all (every environment)');
      const expiresAt = command.ttlMs ? new Date(ctx.now.getTime() + command.ttlMs) : undefined;
      const next = envs.reduce((doc, env) => overrideUser(doc, env, command.user, command.variation, expiresAt), flag);
      return flagPlan(ctx, flag, next, 'flag.override', envs);
    }
    case 'flag.break-glass': {
      const env = requireEnv(command.env, ctx.environments, 'flag break-glass');
      const onOff = command.serve === 'on' || command.serve === 'off';
      const served = onOff
        ? serveVariation(flag, env, booleanVariation(flag, command.serve === 'on'), undefined)
        : serveVariation(flag, env, command.serve);
      return flagPlan(ctx, flag, command.serve === 'off' ? served : unkill(served, env), 'flag.break-glass', [env]);
    }
  }
}
