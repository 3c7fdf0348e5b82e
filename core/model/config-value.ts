import type { ConfigType } from './config-entry.js';
import type { JsonValue } from './flag.js';

/**
 * A duration as a config entry stores and the evaluator serves it: the text as typed, one or more
 * amounts with a unit (`500ms`, `30s`, `1h30m`). Applications read the unit they compare
 * against; storing the text keeps what people typed readable in `/config get`, exports and the
 * audit log (docs/design.md#dynamic-config).
 */
export const CONFIG_DURATION = /^(\d+(ms|s|m|h|d))+$/;

const INTEGER = /^-?\d+$/;
const NUMBER = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/;

/** What a value of `type` must be, worded to follow "must be" or "is not": `an integer`, `true or false`. */
export function expectedConfigValue(type: ConfigType, enumValues?: readonly string[]): string {
  switch (type) {
    case 'int':
      return 'an integer';
    case 'number':
      return 'a number';
    case 'string':
      return 'a string';
    case 'boolean':
      return 'true or false';
    case 'duration':
      return 'a duration like 500ms, 30s, 5m or 1h30m';
    case 'enum':
      return enumValues ? `one of ${enumValues.join(', ')}` : 'one of the entry’s values';
    case 'json':
      return 'valid JSON';
  }
}

export type ConfigValueResult = { ok: true; value: JsonValue } | { ok: false; expected: string };

/**
 * The one converter from typed text to a stored config value: the grammar uses it to refuse a bad
 * `--type`d value as it is typed, the planner to type the value by the entry it lands on. Enum
 * values are checked only when the allowed values are known (the grammar does not know them).
 *
 * @example parseConfigValue('duration', '30s') // { ok: true, value: '30s' }
 * @example parseConfigValue('int', '4.5') // { ok: false, expected: 'an integer' }
 */
export function parseConfigValue(type: ConfigType, raw: string, enumValues?: readonly string[]): ConfigValueResult {
  const ok = (value: JsonValue): ConfigValueResult => ({ ok: true, value });
  const bad: ConfigValueResult = { ok: false, expected: expectedConfigValue(type, enumValues) };
  switch (type) {
    case 'int':
      return INTEGER.test(raw) ? ok(Number(raw)) : bad;
    case 'number':
      return NUMBER.test(raw) ? ok(Number(raw)) : bad;
    case 'boolean':
      return raw === 'true' || raw === 'false' ? ok(raw === 'true') : bad;
    case 'duration':
      return CONFIG_DURATION.test(raw) ? ok(raw) : bad;
    case 'enum':
      return !enumValues || enumValues.includes(raw) ? ok(raw) : bad;
    case 'json':
      try {
        return ok(JSON.parse(raw) as JsonValue);
      } catch {
        return bad;
      }
    case 'string':
      return ok(raw);
  }
}
