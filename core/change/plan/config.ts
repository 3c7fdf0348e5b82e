import { isDeepStrictEqual } from 'node:util';
import type { CommandOf } from '../../command/schema.js';
import { ValidationError } from '../../errors.js';
import { CONFIG_TYPES, configEntrySchema, type ConfigEntry, type ConfigScopeValue } from '../../model/config-entry.js';
import { parseConfigValue } from '../../model/config-value.js';
import type { JsonValue } from '../../model/flag.js';
import { currentConfig, requireEnv } from './context.js';
import type { ChangePlan, PlanContext } from './plan.js';

const scopeName = (s: { env?: string; tenant?: string; user?: string }) =>
  [s.env && `env ${s.env}`, s.tenant && `tenant ${s.tenant}`, s.user && `user ${s.user}`].filter(Boolean).join(', ') ||
  'global';

/** The text a value is read from: for JSON, as typed with its quotes when only that parses (`"hi"` is a JSON string). */
function valueText(cmd: CommandOf<'config.set'>, valueType: ConfigEntry['valueType']): string {
  if (valueType !== 'json' || cmd.asTyped === undefined || parseConfigValue('json', cmd.rawValue).ok)
    return cmd.rawValue;
  return parseConfigValue('json', cmd.asTyped).ok ? cmd.asTyped : cmd.rawValue;
}

/**
 * An existing enum entry whose allowed values `--values` replaces: refused when a value it holds
 * elsewhere (the global value, another scope) would fall outside the new list, since that value
 * could no longer be served. The scope being set now is left out: its new value is checked on its own.
 */
function strandedValues(
  entry: ConfigEntry,
  allowed: readonly string[],
  beingSet: (s: ConfigScopeValue) => boolean,
  scoped: boolean,
): string[] {
  const held: Array<[string, JsonValue]> = [];
  if (entry.value !== undefined && scoped) held.push(['global', entry.value]);
  for (const s of entry.scopes) if (!beingSet(s)) held.push([scopeName(s), s.value]);
  return held
    .filter(([, v]) => typeof v !== 'string' || !allowed.includes(v))
    .map(([where, v]) => `${where} holds ${JSON.stringify(v)}`);
}

/**
 * `/config set`: the global value, or the value of one scope (environment, tenant, user), typed
 * by the entry (its `--type` when it is new) with the same converter as the grammar. An enum's
 * allowed values come with `--values` when it is created, and `--values` replaces them later
 * only if every value the entry holds stays allowed (docs/design.md#dynamic-config).
 */
export function configPlan(ctx: PlanContext, cmd: CommandOf<'config.set'>): ChangePlan {
  const existing = currentConfig(ctx, cmd.key, 'a config entry: use /flag');
  if (existing?.secret)
    throw new ValidationError(`\`${cmd.key}\` is a secret: use /config secret set ${cmd.key} --env <env>`);
  if (existing && cmd.type && cmd.type !== existing.valueType) {
    throw new ValidationError(
      `${cmd.key} is of type ${existing.valueType}, not ${cmd.type}: leave out --type (or give --type ${existing.valueType})`,
    );
  }
  const valueType = existing?.valueType ?? cmd.type;
  if (!valueType) {
    const hint = cmd.enumValues ? ' (--type enum, with the --values given)' : '';
    throw new ValidationError(
      `${cmd.key} does not exist yet: give its --type (one of ${CONFIG_TYPES.join(', ')})${hint}`,
    );
  }
  if (cmd.enumValues && valueType !== 'enum') {
    throw new ValidationError(
      `--values lists the allowed values of an enum entry, and ${cmd.key} is of type ${valueType}: leave out --values`,
    );
  }
  if (valueType === 'enum' && !existing && !cmd.enumValues) {
    throw new ValidationError(
      `a new enum entry needs its allowed values: /config set ${cmd.key} ${cmd.rawValue} --type enum --values ${cmd.rawValue},<other>,… --reason "<text>"`,
    );
  }
  if (cmd.env !== undefined) requireEnv(cmd.env, ctx.environments, 'config set');
  const base: ConfigEntry = existing ?? configEntrySchema.parse({ key: cmd.key, valueType });
  const enumValues = cmd.enumValues ?? base.enumValues;
  const raw = valueText(cmd, valueType);
  const converted = parseConfigValue(valueType, raw, enumValues);
  if (!converted.ok) {
    const widen =
      valueType === 'enum' && enumValues
        ? `; to allow it: --values ${[...enumValues, raw].join(',')}`
        : valueType === 'json'
          ? ` (a JSON string keeps its quotes: '"${raw}"')`
          : '';
    throw new ValidationError(`${cmd.key}: \`${raw}\` is not ${converted.expected}${widen}`);
  }
  const value = converted.value;
  const scoped = cmd.env !== undefined || cmd.tenant !== undefined || cmd.user !== undefined;
  const sameScope = (s: ConfigScopeValue) => s.env === cmd.env && s.tenant === cmd.tenant && s.user === cmd.user;
  const valuesChanged = cmd.enumValues !== undefined && !isDeepStrictEqual(cmd.enumValues, base.enumValues);
  if (existing && valuesChanged) {
    const stranded = strandedValues(existing, cmd.enumValues!, sameScope, scoped);
    if (stranded.length) {
      throw new ValidationError(
        `--values ${cmd.enumValues!.join(',')} would leave values of ${cmd.key} outside the allowed list (${stranded.join('; ')}): set those first, or keep them in --values`,
      );
    }
  }
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
  if (enumValues) next = { ...next, enumValues };
  if (existing && isDeepStrictEqual(before, value) && !valuesChanged)
    throw new ValidationError(`${cmd.key} is already ${JSON.stringify(value)} there: nothing to change`);
  const allowed =
    !existing && enumValues
      ? ` (allowed: ${enumValues.join(', ')})`
      : valuesChanged
        ? `; allowed values ${base.enumValues?.join(', ') ?? 'none'} → ${enumValues!.join(', ')}`
        : '';
  return {
    kind: 'config',
    key: cmd.key,
    action: 'config.set',
    envs: cmd.env ? [cmd.env] : [],
    tenant: cmd.tenant,
    target: { kind: 'config', key: cmd.key, document: configEntrySchema.parse(next) },
    expectedVersion: ctx.version,
    summary: `${cmd.key} (${scopeName(cmd)}): ${before === undefined ? 'unset' : JSON.stringify(before)} → ${JSON.stringify(value)}${allowed}`,
    entryKind: 'config',
  };
}
