import { parseTestCommand } from '../../test/parse-command.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planChange, type PlanContext } from '../change/plan/index.js';
import type { CommandOf } from '../command/schema.js';
import { compileSnapshot } from '../engine/compile.js';
import { CONFIG_TYPES, configEntrySchema, type ConfigEntry, type ConfigType } from './config-entry.js';
import { parseConfigValue } from './config-value.js';
import { validateConfigEntry } from './validate-config-value.js';

/** Seeded: a failure prints its seed and path; replay with FC_SEED=<seed>. */
const params = { seed: Number(process.env.FC_SEED ?? 20_261_201), numRuns: Number(process.env.FC_RUNS ?? 300) };
const ctx = (current: ConfigEntry | null): PlanContext => ({
  current,
  version: current ? 1 : 0,
  environments: ['dev', 'staging', 'production'],
  now: new Date('2026-12-01T12:00:00Z'),
});

/** `/config set` as a person types it: the grammar's conversion, then the planner's stored value. */
function typedAndStored(type: ConfigType, raw: string): { typed: unknown; stored: unknown } {
  const command = parseTestCommand(
    '/config',
    `set limits.x '${raw}' --type ${type} --reason r`,
  ) as CommandOf<'config.set'>;
  const plan = planChange(command, ctx(null));
  return { typed: command.value, stored: (plan.target!.document as ConfigEntry).value };
}

describe('one config-value converter', () => {
  it('stores a duration as typed, which is what the evaluator serves', () => {
    const { typed, stored } = typedAndStored('duration', '30s');
    expect(typed).toBe('30s');
    expect(stored).toBe('30s');
    const entry = configEntrySchema.parse({ key: 'http.timeout', valueType: 'duration', value: stored });
    const served = compileSnapshot({
      env: 'production',
      version: 1,
      generatedAt: '',
      flags: {},
      configs: { [entry.key]: entry },
    }).resolveConfig(entry.key, {});
    expect(served).toMatchObject({ ok: true, value: '30s', valueType: 'duration' });
  });

  it('takes compound durations and refuses what the entry could not store', () => {
    expect(parseConfigValue('duration', '1h30m')).toEqual({ ok: true, value: '1h30m' });
    for (const raw of ['30', '5 minutes', '2w', '1.5h', '30S'])
      expect(parseConfigValue('duration', raw)).toEqual({
        ok: false,
        expected: 'a duration like 500ms, 30s, 5m or 1h30m',
      });
  });

  it('types the other kinds and says what a bad value must be', () => {
    expect(parseConfigValue('int', '-12')).toEqual({ ok: true, value: -12 });
    expect(parseConfigValue('int', '4.5')).toEqual({ ok: false, expected: 'an integer' });
    expect(parseConfigValue('number', '2.5e3')).toEqual({ ok: true, value: 2500 });
    expect(parseConfigValue('boolean', 'yes')).toEqual({ ok: false, expected: 'true or false' });
    expect(parseConfigValue('json', '{"rps":10}')).toEqual({ ok: true, value: { rps: 10 } });
    expect(parseConfigValue('enum', 'blue', ['red', 'green'])).toEqual({ ok: false, expected: 'one of red, green' });
    expect(parseConfigValue('enum', 'blue')).toEqual({ ok: true, value: 'blue' });
  });

  it('the grammar and the planner refuse the same text, and the value the planner stores always passes validation', () => {
    const text = fc.oneof(
      fc.string({ maxLength: 8 }),
      fc.integer({ min: -1000, max: 100_000 }).map(String),
      fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }).map(String),
      fc
        .tuple(fc.nat(999), fc.constantFrom('ms', 's', 'm', 'h', 'd', 'w', ' s', 'S'))
        .map(([n, unit]) => `${n}${unit}`),
      fc.constantFrom('true', 'false', '{"a":1}', '[1,2]', '1h30m'),
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...CONFIG_TYPES.filter((t) => t !== 'json' && t !== 'enum')),
        text.filter((raw) => !/['\\\s]/.test(raw) && raw !== ''),
        (type, raw) => {
          const converted = parseConfigValue(type, raw);
          let grammar: unknown;
          try {
            grammar = typedAndStored(type, raw);
          } catch (err) {
            grammar = err;
          }
          if (!converted.ok) {
            expect(grammar).toBeInstanceOf(Error);
            return;
          }
          expect(grammar).toEqual({ typed: converted.value, stored: converted.value });
          expect(() => validateConfigEntry({ key: 'limits.x', valueType: type, value: converted.value })).not.toThrow();
        },
      ),
      params,
    );
  });
});
