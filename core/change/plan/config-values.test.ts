import { parseTestCommand } from '../../../test/parse-command.js';
import { describe, expect, it } from 'vitest';
import type { CommandOf } from '../../command/schema.js';
import { configEntrySchema, type ConfigEntry } from '../../model/config-entry.js';
import type { FlagDocument } from '../../model/flag.js';
import { planChange, type PlanContext, type PlannableCommand } from './index.js';

const now = new Date('2026-11-24T12:00:00Z');
const ctx = (current: PlanContext['current'] = null): PlanContext => ({
  current,
  version: current ? 4 : 0,
  environments: ['dev', 'staging', 'production'],
  now,
});
const plan = (slash: '/config' | '/flag', text: string, current: PlanContext['current'] = null) =>
  planChange(parseTestCommand(slash, text) as PlannableCommand, ctx(current));
const stored = (slash: '/config' | '/flag', text: string, current: PlanContext['current'] = null) =>
  plan(slash, text, current).target!.document as ConfigEntry;

const region = configEntrySchema.parse({
  key: 'region',
  valueType: 'enum',
  enumValues: ['eu', 'us', 'apac'],
  value: 'eu',
  scopes: [{ env: 'production', value: 'us' }],
});

describe('/config set of an enum entry', () => {
  it('creates the entry with its allowed values, and says so', () => {
    const p = plan('/config', 'set region eu --type enum --values eu,us,apac --reason "new"');
    expect(p.target!.document).toMatchObject({ valueType: 'enum', enumValues: ['eu', 'us', 'apac'], value: 'eu' });
    expect(p.summary).toBe('region (global): unset → "eu" (allowed: eu, us, apac)');
  });

  it('refuses a new enum without its values, showing the command that works', () => {
    expect(() => plan('/config', 'set region eu --type enum --reason r')).toThrow(
      'a new enum entry needs its allowed values: /config set region eu --type enum --values eu,<other>,… --reason "<text>"',
    );
    expect(() => plan('/config', 'set region eu --values eu,us --reason r')).toThrow(
      /does not exist yet: give its --type .* \(--type enum, with the --values given\)/,
    );
  });

  it('refuses a value outside the list and names the --values that would allow it', () => {
    expect(() => plan('/config', 'set region mars --reason r', region)).toThrow(
      'region: `mars` is not one of eu, us, apac; to allow it: --values eu,us,apac,mars',
    );
  });

  it('replaces the allowed values when every value the entry holds stays allowed', () => {
    const p = plan('/config', 'set region apac --values eu,us,apac,latam --reason r', region);
    expect((p.target!.document as ConfigEntry).enumValues).toEqual(['eu', 'us', 'apac', 'latam']);
    expect(p.summary).toBe('region (global): "eu" → "apac"; allowed values eu, us, apac → eu, us, apac, latam');
    // Only the list changes: still a change.
    expect(stored('/config', 'set region eu --values eu,us,apac,latam --reason r', region).enumValues).toContain(
      'latam',
    );
  });

  it('refuses a list that would strand a value held elsewhere, naming where', () => {
    expect(() => plan('/config', 'set region eu --values eu,apac --reason r', region)).toThrow(
      '--values eu,apac would leave values of region outside the allowed list (env production holds "us"): set those first, or keep them in --values',
    );
    // The value being replaced does not count: production moves to apac along with the list.
    expect(stored('/config', 'set region apac --env production --values eu,apac --reason r', region)).toMatchObject({
      enumValues: ['eu', 'apac'],
      scopes: [{ env: 'production', value: 'apac' }],
    });
  });

  it('refuses --values on an entry that is no enum', () => {
    const limit = configEntrySchema.parse({ key: 'limit', valueType: 'int', value: 5 });
    expect(() => plan('/config', 'set limit 6 --values a,b --reason r', limit)).toThrow(
      '--values lists the allowed values of an enum entry, and limit is of type int: leave out --values',
    );
  });
});

describe('/config set of a JSON entry', () => {
  const blob = configEntrySchema.parse({ key: 'blob', valueType: 'json', value: { a: 0 } });

  it('stores the object typed without quotes', () => {
    expect(stored('/config', 'set blob {"a": 1, "b": [2, 3]} --type json --reason r').value).toEqual({
      a: 1,
      b: [2, 3],
    });
  });

  it('reads a quoted word as a JSON string on an existing JSON entry, where the grammar did not know the type', () => {
    const command = parseTestCommand('/config', 'set blob "hello" --reason r') as CommandOf<'config.set'>;
    expect(command.rawValue).toBe('hello');
    expect((planChange(command, ctx(blob)).target!.document as ConfigEntry).value).toBe('hello');
    expect(() => plan('/config', 'set blob hello --reason r', blob)).toThrow('blob: `hello` is not valid JSON');
  });
});

describe('/flag create defaults', () => {
  it('refuses own variations without a default, listing the ids, even when the grammar was bypassed', () => {
    const command: PlannableCommand = {
      name: 'flag.create',
      key: 'theme',
      kind: 'release',
      owner: 'web',
      description: 'd',
      type: 'string',
      expiry: '2026-12-20',
      variations: [
        { id: 'a', value: 'A' },
        { id: 'b', value: 'B' },
        { id: 'c', value: 'C' },
      ],
      off: 'a',
    };
    expect(() => planChange(command, ctx())).toThrow(
      'a flag with its own variations needs a default: give --default <one of a, b, c>',
    );
  });

  it('the implicit on/off pair defaults by kind: off for a release, on for an ops flag', () => {
    expect(
      (
        plan('/flag', 'create r1 --kind release --owner web --description d --expiry 2026-12-20').target!
          .document as FlagDocument
      ).default,
    ).toBe('off');
    expect(
      (plan('/flag', 'create o1 --kind ops --owner sre --description d').target!.document as FlagDocument).default,
    ).toBe('on');
  });
});
