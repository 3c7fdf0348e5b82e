import { parseDuration } from '../duration.js';
import { CONFIG_TYPES, type ConfigType } from '../model/config-entry.js';
import type { JsonValue } from '../model/flag.js';
import type { Args, Subcommand } from './args.js';
import { BadValue, normalizeUser } from './option-values.js';

/**
 * Converts `/config set` text by `--type`. Durations become milliseconds, the unit applications
 * compare against; enums stay strings (their allowed values live on the entry, checked on apply).
 */
export function configValue(type: ConfigType, raw: string): JsonValue {
  switch (type) {
    case 'int':
      if (!/^-?\d+$/.test(raw)) throw new BadValue(`must be a whole number for --type int (got \`${raw}\`)`);
      return Number(raw);
    case 'number':
      if (!/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(raw)) throw new BadValue(`must be a number for --type number (got \`${raw}\`)`);
      return Number(raw);
    case 'boolean':
      if (raw !== 'true' && raw !== 'false') throw new BadValue(`must be true or false for --type boolean (got \`${raw}\`)`);
      return raw === 'true';
    case 'duration':
      return parseDuration(raw);
    case 'json':
      try {
        return JSON.parse(raw) as JsonValue;
      } catch {
        throw new BadValue(`is not valid JSON (got \`${raw}\`)`);
      }
    case 'string':
    case 'enum':
      return raw;
  }
}

const SCOPE = { env: 'value', tenant: 'value', user: 'value' } as const;

function scope(a: Args) {
  const user = a.option('user');
  return { env: a.optionalEnv(), tenant: a.option('tenant'), user: user === undefined ? undefined : a.read('--user', user, normalizeUser) };
}

function set(a: Args) {
  const key = a.key();
  const rawValue = a.positional(1, '<value>');
  const type = a.oneOf('type', CONFIG_TYPES, a.option('type'));
  const value = type ? a.read('<value>', rawValue, (raw) => configValue(type, raw)) : rawValue;
  return { name: 'config.set' as const, key, rawValue, value, type, ...scope(a), reason: a.required('reason', '"<text>"') };
}

function secretSet(a: Args) {
  const key = a.key();
  // A value typed here would sit in Slack's history and logs in clear text.
  if (a.positionalCount > 1) a.fail('never type a secret into a command: run `/config secret set <key> --env <env>` and enter the value in the dialog');
  return { name: 'config.secret.set' as const, key, env: a.env() };
}

/** The /config grammar (docs/design.md#commands). */
export const CONFIG_SUBCOMMANDS: Subcommand[] = [
  { path: ['set'], name: 'config.set', options: { type: 'value', reason: 'value', ...SCOPE }, build: set },
  { path: ['get'], name: 'config.get', options: SCOPE, build: (a) => ({ name: 'config.get', key: a.key(), ...scope(a) }) },
  { path: ['secret', 'set'], name: 'config.secret.set', options: { env: 'value' }, build: secretSet },
];
