import { CONFIG_TYPES, type ConfigType } from '../model/config-entry.js';
import { parseConfigValue } from '../model/config-value.js';
import type { JsonValue } from '../model/flag.js';
import type { Args, Subcommand } from './args.js';
import { BadValue, normalizeUser, parseList } from './option-values.js';
import type { Token } from './tokenize.js';

/**
 * Converts `/config set` text by `--type`, as the planner will store it (core/model/config-value.ts):
 * a bad value is refused as it is typed. Enum values are checked when `--values` gives them;
 * otherwise they live on the entry and are checked when the change is planned.
 */
export function configValue(type: ConfigType, raw: string, enumValues?: readonly string[]): JsonValue {
  const converted = parseConfigValue(type, raw, enumValues);
  if (!converted.ok) throw new BadValue(`must be ${converted.expected} for --type ${type} (got \`${raw}\`)`);
  return converted.value;
}

/** Why `text` is not JSON, in the parser's words, or undefined when it is. */
export function jsonProblem(text: string): string | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * The text of a JSON value, with or without the shell-style quotes around it: `'{"a":1}'` and
 * `{"a": 1}` read the same, and `"hello"` is the JSON string `"hello"` (its quotes are the JSON's).
 */
export function jsonText(token: Token): string {
  if (jsonProblem(token.text) === undefined || !token.quoted || jsonProblem(token.raw) !== undefined) return token.text;
  return token.raw;
}

const SCOPE = { env: 'value', tenant: 'value', user: 'value' } as const;

function scope(a: Args) {
  const user = a.option('user');
  return {
    env: a.optionalEnv(),
    tenant: a.option('tenant'),
    user: user === undefined ? undefined : a.read('--user', user, normalizeUser),
  };
}

function set(a: Args) {
  const key = a.key();
  const token = a.positionalToken(1, '<value>');
  const type = a.oneOf('type', CONFIG_TYPES, a.option('type'));
  const valuesText = a.option('values');
  if (valuesText !== undefined && type !== undefined && type !== 'enum') {
    a.fail(
      `\`--values\` lists the allowed values of an enum entry: give \`--type enum --values ${valuesText}\`, or leave out \`--values\``,
    );
  }
  const enumValues =
    valuesText === undefined ? undefined : a.read('--values', valuesText, (t) => parseList(t, 'value'));
  const rawValue = type === 'json' ? jsonText(token) : token.text;
  if (type === 'json') {
    const problem = jsonProblem(rawValue);
    if (problem) a.fail(`\`<value>\` is not valid JSON: ${problem} (got \`${rawValue}\`)`);
  }
  const value = type ? a.read('<value>', rawValue, (raw) => configValue(type, raw, enumValues)) : rawValue;
  return {
    name: 'config.set' as const,
    key,
    rawValue,
    // An entry that is JSON already reads `"hello"` as a JSON string; the planner knows the type, the grammar may not.
    ...(token.quoted && token.raw !== rawValue ? { asTyped: token.raw } : {}),
    value,
    type,
    enumValues,
    ...scope(a),
    reason: a.required('reason', '"<text>"'),
  };
}

function secretSet(a: Args) {
  const key = a.key();
  // A value typed here would sit in Slack's history and logs in clear text.
  if (a.positionalCount > 1)
    a.fail(
      'never type a secret into a command: run `/config secret set <key> --env <env>` and enter the value in the dialog',
    );
  return { name: 'config.secret.set' as const, key, env: a.env() };
}

/** The /config grammar (docs/design.md#commands). */
export const CONFIG_SUBCOMMANDS: Subcommand[] = [
  {
    path: ['set'],
    name: 'config.set',
    options: { type: 'value', values: 'value', reason: 'value', ...SCOPE },
    build: set,
  },
  {
    path: ['get'],
    name: 'config.get',
    options: SCOPE,
    build: (a) => ({ name: 'config.get', key: a.key(), ...scope(a) }),
  },
  { path: ['secret', 'set'], name: 'config.secret.set', options: { env: 'value' }, build: secretSet },
];
