import { isDeepStrictEqual } from 'node:util';
import type { ChangeTarget } from './change.js';
import { ConflictError, ValidationError } from './errors.js';
import { configEntrySchema, type ConfigEntry, type ConfigScopeValue, type ConfigType } from './model/config-entry.js';
import type { CommandOf } from './command/schema.js';
import type { FlagDocument, JsonValue } from './model/flag.js';
import { defaultVariationId, offVariationId, validateFlag } from './model/validate-flag.js';
import { assertGrantableScope, describeRoleScope } from './role-scope.js';
import {
  addRule,
  booleanVariation,
  currentPercent,
  kill,
  overrideUser,
  removeRule,
  serveVariation,
  unkill,
} from './operations/flag-operations.js';

/** The commands that change something, as core/command parses them (serialisable: they travel through Temporal). */
export type PlannableCommand = CommandOf<
  | 'flag.create'
  | 'flag.on'
  | 'flag.off'
  | 'flag.serve'
  | 'flag.kill'
  | 'flag.rule.add'
  | 'flag.rule.remove'
  | 'flag.override'
  | 'flag.rollout'
  | 'flag.break-glass'
  | 'config.set'
  | 'config.secret.set'
  | 'change.role.grant'
  | 'change.role.revoke'
>;

export type PlannableCommandName = PlannableCommand['name'];

export const DEFAULT_ROLLOUT_STAGES = [1, 5, 25, 50, 100];
export const DEFAULT_BAKE_MS = 4 * 3_600_000;

/** What the control plane will write, worked out before anyone approves it. */
export interface ChangePlan {
  kind: 'flag' | 'config' | 'role';
  key: string;
  /** Audit action, e.g. `flag.on`, `config.set`. */
  action: string;
  /** The environments the change touches (empty: every environment, e.g. a new flag or a global config value). */
  envs: string[];
  tenant?: string;
  /** The whole next document; absent for a rollout, whose stages the rollout workflow writes. */
  target?: ChangeTarget;
  /** The version the plan was made against (0: the entry does not exist yet). */
  expectedVersion: number;
  /** Old → new, for the approval message and the audit log. */
  summary: string;
  /** Set for `flag.rollout`: what the rollout workflow should do once the request is cleared. */
  rollout?: { variation: string; env: string; stages?: number[]; cohorts?: string[]; bakeMs: number; fromPercent: number };
  /** Set for role changes: the binding to grant or revoke (`key` is its subject). */
  role?: { op: 'grant' | 'revoke'; subject: string; role: string; env?: string; tenant?: string };
  /** The flag kind or config secrecy, for classification. */
  entryKind: FlagDocument['kind'] | 'config' | 'secret' | 'role';
}

export interface PlanContext {
  current: FlagDocument | ConfigEntry | null;
  version: number;
  environments: string[];
  now: Date;
}

function requireEnv(env: string | undefined, environments: string[], what: string): string {
  if (!env) throw new ValidationError(`${what} needs --env (one of ${environments.join(', ')})`);
  if (!environments.includes(env)) throw new ValidationError(`--env must be one of ${environments.join(', ')} (got \`${env}\`)`);
  return env;
}

function requireFlag(ctx: PlanContext, key: string): FlagDocument {
  if (!ctx.current) throw new ValidationError(`there is no flag \`${key}\` (create it with /flag create ${key} …)`);
  if (!('variations' in ctx.current)) throw new ValidationError(`\`${key}\` is a config entry, not a flag: use /config`);
  return ctx.current;
}

/** How one environment's serving reads for a human: `on`, `off`, `variant-b`, `on 25 %`, `killed`. */
export function describeEnv(flag: FlagDocument | null, env: string): string {
  if (!flag) return 'absent';
  const label = (id: string) => {
    const v = flag.variations.find((x) => x.id === id);
    return typeof v?.value === 'boolean' ? (v.value ? 'on' : 'off') : id;
  };
  const fallback = defaultVariationId(flag);
  const state = flag.environments[env];
  if (!state) return `default (${fallback ? label(fallback) : 'unset'})`;
  const parts: string[] = [];
  if (state.killed) parts.push('killed');
  if (state.serve && 'serve' in state.serve) parts.push(label(state.serve.serve));
  else if (state.serve) {
    parts.push(
      Object.entries(state.serve.rollout)
        .map(([id, pct]) => `${label(id)} ${pct} %`)
        .join(' / '),
    );
  } else parts.push(`default (${fallback ? label(fallback) : 'unset'})`);
  if (state.killedTenants.length) parts.push(`killed for ${state.killedTenants.join(', ')}`);
  const tenants = Object.entries(state.tenantOverrides);
  if (tenants.length) parts.push(`tenants ${tenants.map(([t, v]) => `${t}→${label(v)}`).join(', ')}`);
  const users = Object.entries(state.userOverrides);
  if (users.length) parts.push(`users ${users.map(([u, o]) => `${u}→${label(o.variation)}${o.expiresAt ? ` until ${o.expiresAt}` : ''}`).join(', ')}`);
  if (state.rules.length) parts.push(`${state.rules.length} rule(s)`);
  return parts.join(', ');
}

function flagPlan(
  ctx: PlanContext,
  flag: FlagDocument,
  next: FlagDocument,
  action: string,
  envs: string[],
  tenant?: string,
): ChangePlan {
  const { flag: validated } = validateFlag(next, { now: ctx.now, mode: 'import' });
  if (isDeepStrictEqual(validated, validateFlag(flag, { now: ctx.now, mode: 'import' }).flag)) {
    throw new ValidationError(`${flag.key} already ${envs.length ? `is ${envs.map((e) => `${describeEnv(flag, e)} in ${e}`).join('; ')}` : 'looks like that'}: nothing to change`);
  }
  const summary = envs
    .map((env) => `${flag.key} in ${env}${tenant ? ` (tenant ${tenant})` : ''}: ${describeEnv(flag, env)} → ${describeEnv(validated, env)}`)
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

function parseConfigValue(raw: string, type: ConfigType, entry: Pick<ConfigEntry, 'key' | 'enumValues'>): JsonValue {
  const bad = (what: string) => new ValidationError(`${entry.key}: \`${raw}\` is not ${what}`);
  switch (type) {
    case 'int':
      if (!/^-?\d+$/.test(raw)) throw bad('an integer');
      return Number(raw);
    case 'number':
      if (raw.trim() === '' || !Number.isFinite(Number(raw))) throw bad('a number');
      return Number(raw);
    case 'boolean':
      if (raw !== 'true' && raw !== 'false') throw bad('a boolean (true or false)');
      return raw === 'true';
    case 'duration':
      if (!/^\d+(ms|s|m|h|d)$/.test(raw)) throw bad('a duration like 500ms, 30s, 5m, 4h');
      return raw;
    case 'enum':
      if (entry.enumValues && !entry.enumValues.includes(raw)) throw bad(`one of ${entry.enumValues.join(', ')}`);
      return raw;
    case 'json':
      try {
        return JSON.parse(raw) as JsonValue;
      } catch {
        throw bad('valid JSON');
      }
    case 'string':
      return raw;
  }
}

function configPlan(ctx: PlanContext, cmd: Extract<PlannableCommand, { name: 'config.set' }>): ChangePlan {
  const current = ctx.current;
  if (current && !('valueType' in current && current.type === 'config')) {
    throw new ValidationError(`\`${cmd.key}\` is a flag, not a config entry: use /flag`);
  }
  const existing = current as ConfigEntry | null;
  if (existing?.secret) throw new ValidationError(`\`${cmd.key}\` is a secret: use /config secret set ${cmd.key} --env <env>`);
  if (existing && cmd.type && cmd.type !== existing.valueType) {
    throw new ValidationError(`${cmd.key} is of type ${existing.valueType}, not ${cmd.type}`);
  }
  const valueType = existing?.valueType ?? cmd.type;
  if (!valueType) throw new ValidationError(`${cmd.key} does not exist yet: give its --type (one of int, number, string, boolean, enum, duration, json)`);
  if (cmd.env !== undefined) requireEnv(cmd.env, ctx.environments, 'config set');
  const base: ConfigEntry = existing ?? configEntrySchema.parse({ key: cmd.key, valueType });
  const value = parseConfigValue(cmd.rawValue, valueType, base);
  const scoped = cmd.env !== undefined || cmd.tenant !== undefined || cmd.user !== undefined;
  const sameScope = (s: ConfigScopeValue) => s.env === cmd.env && s.tenant === cmd.tenant && s.user === cmd.user;
  let next: ConfigEntry;
  let before: JsonValue | undefined;
  if (scoped) {
    before = base.scopes.find(sameScope)?.value;
    const scope: ConfigScopeValue = { value };
    if (cmd.env !== undefined) scope.env = cmd.env;
    if (cmd.tenant !== undefined) scope.tenant = cmd.tenant;
    if (cmd.user !== undefined) scope.user = cmd.user;
    next = { ...base, scopes: [...base.scopes.filter((s) => !sameScope(s)), scope] };
  } else {
    before = base.value;
    next = { ...base, value };
  }
  if (existing && isDeepStrictEqual(before, value)) throw new ValidationError(`${cmd.key} is already ${JSON.stringify(value)} there: nothing to change`);
  const where = [cmd.env && `env ${cmd.env}`, cmd.tenant && `tenant ${cmd.tenant}`, cmd.user && `user ${cmd.user}`].filter(Boolean).join(', ') || 'global';
  return {
    kind: 'config',
    key: cmd.key,
    action: 'config.set',
    envs: cmd.env ? [cmd.env] : [],
    tenant: cmd.tenant,
    target: { kind: 'config', key: cmd.key, document: configEntrySchema.parse(next) },
    expectedVersion: ctx.version,
    summary: `${cmd.key} (${where}): ${before === undefined ? 'unset' : JSON.stringify(before)} → ${JSON.stringify(value)}`,
    entryKind: 'config',
  };
}

/**
 * A secret's next document: the sealed envelope as the environment's scoped value. The plan and
 * its summary never hold the clear value, so approval messages, the audit log and workflow
 * histories cannot leak it.
 */
function secretPlan(ctx: PlanContext, cmd: Extract<PlannableCommand, { name: 'config.secret.set' }>): ChangePlan {
  if (!cmd.envelope) throw new ValidationError(`the value of a secret is typed into a dialog, never into a command: run /config secret set ${cmd.key} --env <env> in Slack`);
  const env = requireEnv(cmd.env, ctx.environments, 'config secret set');
  const current = ctx.current;
  if (current && !('valueType' in current && current.type === 'config')) throw new ValidationError(`\`${cmd.key}\` is a flag, not a secret`);
  const existing = current as ConfigEntry | null;
  if (existing && !existing.secret) throw new ValidationError(`\`${cmd.key}\` is a plain config entry: a secret needs a key of its own`);
  const base: ConfigEntry = existing ?? configEntrySchema.parse({ key: cmd.key, valueType: 'string', secret: true });
  const envValue = (s: ConfigScopeValue) => s.env === env && s.tenant === undefined && s.user === undefined;
  const replaced = base.scopes.some(envValue);
  const next: ConfigEntry = { ...base, scopes: [...base.scopes.filter((s) => !envValue(s)), { env, value: cmd.envelope }] };
  return {
    kind: 'config',
    key: cmd.key,
    action: 'config.secret.set',
    envs: [env],
    target: { kind: 'config', key: cmd.key, document: configEntrySchema.parse(next) },
    expectedVersion: ctx.version,
    summary: `secret ${cmd.key} (env ${env}): ${replaced ? 'replaced' : 'set'} (value sealed, not shown)`,
    entryKind: 'secret',
  };
}

/** A role binding to grant or revoke; the binding table, not an entry version, is what changes. */
function rolePlan(ctx: PlanContext, cmd: Extract<PlannableCommand, { name: 'change.role.grant' | 'change.role.revoke' }>): ChangePlan {
  if (cmd.env !== undefined) requireEnv(cmd.env, ctx.environments, `role ${cmd.name.endsWith('grant') ? 'grant' : 'revoke'}`);
  const op = cmd.name === 'change.role.grant' ? 'grant' : 'revoke';
  // Only grants are checked: a binding granted before the rule must stay revocable.
  if (op === 'grant') assertGrantableScope(cmd.role, { env: cmd.env, tenant: cmd.tenant }, { environments: ctx.environments });
  const scope = describeRoleScope(cmd.role, { env: cmd.env, tenant: cmd.tenant });
  return {
    kind: 'role',
    key: cmd.subject,
    action: `role.${op}`,
    envs: cmd.env ? [cmd.env] : [],
    tenant: cmd.tenant,
    expectedVersion: 0,
    summary: `${op} ${cmd.role} (${scope}) ${op === 'grant' ? 'to' : 'from'} ${cmd.subject}`,
    role: { op, subject: cmd.subject, role: cmd.role, env: cmd.env, tenant: cmd.tenant },
    entryKind: 'role',
  };
}

/** What a revert needs to know of the change it undoes (storage's findAppliedChange). */
export interface RevertSource {
  id: string;
  kind: 'flag' | 'config';
  key: string;
  firstVersion: number;
  lastVersion: number;
  before: FlagDocument | ConfigEntry | undefined;
  actions: string[];
  environments: string[];
  tenants: string[];
}

/**
 * `/change revert <id>`: the entry back to the state before the change, as a new version (history
 * is never rewritten). Only while the change is still the latest: undoing it under later changes
 * would silently undo those too, so that is a conflict that names the versions.
 */
export function revertPlan(source: RevertSource, ctx: PlanContext): ChangePlan {
  const { id, key } = source;
  if (ctx.version !== source.lastVersion) {
    throw new ConflictError(
      `\`${key}\` changed after \`${id}\` (which left it at version ${source.lastVersion}; it is at version ${ctx.version} now): revert the later changes first, or request the state you want`,
    );
  }
  if (!source.before) {
    throw new ValidationError(
      `\`${id}\` created \`${key}\`; an entry is never deleted${source.kind === 'flag' ? `: kill it instead (/flag kill ${key} --all --reason "…")` : ': set the value you want instead'}`,
    );
  }
  const envs = source.environments.length ? source.environments : [];
  const what = source.actions.filter((a) => a !== 'change.revert').join(', ') || 'change';
  return {
    kind: source.kind,
    key,
    action: 'change.revert',
    envs,
    tenant: source.tenants.length === 1 ? source.tenants[0] : undefined,
    target: source.kind === 'flag' ? { kind: 'flag', key, document: source.before as FlagDocument } : { kind: 'config', key, document: source.before as ConfigEntry },
    expectedVersion: ctx.version,
    summary: `revert ${id} (${what}${envs.length ? ` in ${envs.join(', ')}` : ''}): ${key} back to version ${source.firstVersion - 1}, as it was before`,
    entryKind: source.kind === 'flag' ? (source.before as FlagDocument).kind : (source.before as ConfigEntry).secret ? 'secret' : 'config',
  };
}

/**
 * Works out the whole next document for a command against the current one. Pure: the caller
 * loads `current` and its version, and stores the result only if that version is still current.
 */
export function planChange(command: PlannableCommand, ctx: PlanContext): ChangePlan {
  switch (command.name) {
    case 'flag.create': {
      if (ctx.current) throw new ValidationError(`\`${command.key}\` already exists (version ${ctx.version})`);
      const variations = command.variations ?? [
        { id: 'on', value: true },
        { id: 'off', value: false },
      ];
      const defaultId = command.default ?? (command.kind === 'ops' ? variations[0]!.id : variations[variations.length - 1]!.id);
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
    case 'flag.on':
    case 'flag.off': {
      const flag = requireFlag(ctx, command.key);
      const env = requireEnv(command.env, ctx.environments, command.name);
      const on = command.name === 'flag.on';
      let next = serveVariation(flag, env, booleanVariation(flag, on), command.tenant);
      // Turning a killed flag on means lifting the kill too; otherwise `on` would change nothing served.
      if (on) next = unkill(next, env, command.tenant);
      return flagPlan(ctx, flag, next, command.name, [env], command.tenant);
    }
    case 'flag.serve': {
      const flag = requireFlag(ctx, command.key);
      const env = requireEnv(command.env, ctx.environments, 'flag serve');
      return flagPlan(ctx, flag, serveVariation(flag, env, command.variation, command.tenant), 'flag.serve', [env], command.tenant);
    }
    case 'flag.kill': {
      const flag = requireFlag(ctx, command.key);
      if (!command.all && !command.env) throw new ValidationError('flag kill needs --env <env> or --all');
      const envs = command.all ? ctx.environments : [requireEnv(command.env, ctx.environments, 'flag kill')];
      const next = envs.reduce((doc, env) => kill(doc, env, command.tenant), flag);
      return flagPlan(ctx, flag, next, 'flag.kill', envs, command.tenant);
    }
    case 'flag.rule.add': {
      const flag = requireFlag(ctx, command.key);
      const env = requireEnv(command.env, ctx.environments, 'flag rule add');
      const state = flag.environments[env];
      const priority = command.priority ?? (state?.rules.length ? Math.max(...state.rules.map((r) => r.priority)) + 1 : 1);
      const next = addRule(flag, env, { priority, condition: command.condition, action: { serve: command.serve } });
      return flagPlan(ctx, flag, next, 'flag.rule.add', [env]);
    }
    case 'flag.rule.remove': {
      const flag = requireFlag(ctx, command.key);
      const env = requireEnv(command.env, ctx.environments, 'flag rule remove');
      return flagPlan(ctx, flag, removeRule(flag, env, command.ruleId), 'flag.rule.remove', [env]);
    }
    case 'flag.override': {
      const flag = requireFlag(ctx, command.key);
      // One environment, or every one only when asked for: a pin in production is a production change.
      if (!command.all && !command.env) throw new ValidationError('flag override needs --env <env> (one environment) or --all (every environment)');
      const envs = command.all ? ctx.environments : [requireEnv(command.env, ctx.environments, 'flag override')];
      const expiresAt = command.ttlMs ? new Date(ctx.now.getTime() + command.ttlMs) : undefined;
      const next = envs.reduce((doc, env) => overrideUser(doc, env, command.user, command.variation, expiresAt), flag);
      return flagPlan(ctx, flag, next, 'flag.override', envs);
    }
    case 'flag.rollout': {
      const flag = requireFlag(ctx, command.key);
      const env = requireEnv(command.env, ctx.environments, 'flag rollout');
      if (!flag.variations.some((v) => v.id === command.variation)) {
        throw new ValidationError(`${flag.key} has no variation "${command.variation}" (variations: ${flag.variations.map((v) => v.id).join(', ')})`);
      }
      const stages = command.cohorts ? undefined : (command.stages ?? DEFAULT_ROLLOUT_STAGES);
      if (stages) {
        if (stages.length === 0) throw new ValidationError('--stages needs at least one percentage');
        stages.forEach((s, i) => {
          if (!(s > 0 && s <= 100)) throw new ValidationError(`--stages: ${s} is not a percentage between 0 and 100`);
          if (i > 0 && s <= stages[i - 1]!) throw new ValidationError(`--stages must rise (${stages[i - 1]} then ${s})`);
        });
      }
      const fromPercent = currentPercent(flag, env, command.variation);
      const plan = command.cohorts ? command.cohorts.join(' → ') : stages!.map((s) => `${s} %`).join(' → ');
      const bakeMs = command.bakeMs ?? DEFAULT_BAKE_MS;
      return {
        kind: 'flag',
        key: flag.key,
        action: 'flag.rollout.start',
        envs: [env],
        expectedVersion: ctx.version,
        summary: `${flag.key} in ${env}: roll out ${command.variation} from ${fromPercent} % via ${plan}, baking ${Math.round(bakeMs / 1000)} s between stages`,
        rollout: { variation: command.variation, env, stages, cohorts: command.cohorts, bakeMs, fromPercent },
        entryKind: flag.kind,
      };
    }
    case 'flag.break-glass': {
      const flag = requireFlag(ctx, command.key);
      const env = requireEnv(command.env, ctx.environments, 'flag break-glass');
      let next: FlagDocument;
      if (command.serve === 'on' || command.serve === 'off') {
        next = serveVariation(flag, env, booleanVariation(flag, command.serve === 'on'), undefined);
        next = command.serve === 'on' ? unkill(next, env) : next;
      } else next = unkill(serveVariation(flag, env, command.serve), env);
      return flagPlan(ctx, flag, next, 'flag.break-glass', [env]);
    }
    case 'config.set':
      return configPlan(ctx, command);
    case 'config.secret.set':
      return secretPlan(ctx, command);
    case 'change.role.grant':
    case 'change.role.revoke':
      return rolePlan(ctx, command);
  }
}
