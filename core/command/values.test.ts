import { parseTestCommand } from '../../test/parse-command.js';
import { describe, expect, it } from 'vitest';
import { CommandError } from './errors.js';
import { tokenize } from './tokenize.js';
import { USAGE } from './usage.js';

function problemOf(command: '/flag' | '/config', text: string): string {
  try {
    parseTestCommand(command, text);
  } catch (error) {
    if (error instanceof CommandError) return error.problem;
    throw error;
  }
  throw new Error(`expected "${command} ${text}" to be refused`);
}

describe('JSON typed into a command', () => {
  it('a JSON object or array is one token, spaces, commas and quotes included', () => {
    expect(tokenize('set blob {"a": 1, "b": [1, "x y"]} --type json').map((t) => t.text)).toEqual([
      'set',
      'blob',
      '{"a": 1, "b": [1, "x y"]}',
      '--type',
      'json',
    ]);
    expect(tokenize('--variations a={"cols": 2},b={"cols": 3}').map((t) => t.text)).toEqual([
      '--variations',
      'a={"cols": 2},b={"cols": 3}',
    ]);
  });

  it('brackets that never close are plain letters, as before', () => {
    expect(tokenize('--reason {oops it broke').map((t) => t.text)).toEqual(['--reason', '{oops', 'it', 'broke']);
  });

  it('/config set takes JSON with or without shell-style quoting', () => {
    for (const value of [`{"a":1}`, `{"a": 1}`, `'{"a": 1}'`, `"{\\"a\\": 1}"`]) {
      expect(parseTestCommand('/config', `set blob ${value} --type json --reason r`)).toMatchObject({
        value: { a: 1 },
        rawValue: expect.stringMatching(/^\{"a": ?1\}$/),
      });
    }
    expect(parseTestCommand('/config', `set blob {"a":1,"b":["x","y"]} --type json --reason r`)).toMatchObject({
      value: { a: 1, b: ['x', 'y'] },
    });
  });

  it('a quoted JSON string keeps its quotes as JSON', () => {
    expect(parseTestCommand('/config', 'set greeting "hello" --type json --reason r')).toMatchObject({
      value: 'hello',
      rawValue: '"hello"',
    });
    expect(parseTestCommand('/config', `set greeting '"hello"' --type json --reason r`)).toMatchObject({
      value: 'hello',
    });
    // Without --type the grammar cannot know; the planner reads it by the entry's type.
    expect(parseTestCommand('/config', 'set greeting "hello" --reason r')).toMatchObject({
      rawValue: 'hello',
      asTyped: '"hello"',
    });
  });

  it('bad JSON names the JSON problem', () => {
    expect(problemOf('/config', 'set blob {"a":} --type json --reason r')).toMatch(
      /^`<value>` is not valid JSON: .*(Unexpected|position).* \(got `\{"a":\}`\)$/,
    );
  });
});

describe('enum config values from chat', () => {
  it('--values lists the allowed values, and the value must be one of them', () => {
    expect(parseTestCommand('/config', 'set region eu --type enum --values eu,us,apac --reason r')).toMatchObject({
      value: 'eu',
      type: 'enum',
      enumValues: ['eu', 'us', 'apac'],
    });
    expect(problemOf('/config', 'set region mars --type enum --values eu,us --reason r')).toBe(
      '`<value>` must be one of eu, us for --type enum (got `mars`)',
    );
  });

  it('--values without --type is left to the entry; with another --type it is refused, saying what to type', () => {
    expect(parseTestCommand('/config', 'set region us --values eu,us --reason r')).toMatchObject({
      type: undefined,
      enumValues: ['eu', 'us'],
    });
    expect(problemOf('/config', 'set region 5 --type int --values eu,us --reason r')).toBe(
      '`--values` lists the allowed values of an enum entry: give `--type enum --values eu,us`, or leave out `--values`',
    );
    expect(problemOf('/config', 'set region eu --type enum --values eu,,us --reason r')).toBe(
      '`--values` has an empty value (got `eu,,us`)',
    );
    expect(problemOf('/config', 'set region eu --type enum --values eu,eu --reason r')).toBe(
      '`--values` names value `eu` twice',
    );
  });

  it('the usage line shows --values', () => {
    expect(USAGE['config.set']).toContain('--values a,b,c');
  });
});

describe('/flag create variations', () => {
  const create = '/flag';
  const base = 'create layout --kind experiment --owner web --description d --expiry 2026-12-01';

  it('JSON variations need no shell quoting, and are typed json by themselves', () => {
    expect(
      parseTestCommand(create, `${base} --variations a={"cols": 2},b={"cols": 3} --default a --off a`),
    ).toMatchObject({
      type: 'json',
      variations: [
        { id: 'a', value: { cols: 2 } },
        { id: 'b', value: { cols: 3 } },
      ],
    });
  });

  it('a bad JSON variation is named with its JSON problem, not counted', () => {
    const problem = problemOf(create, `${base} --type json --variations a={"cols":2,b={"cols":3} --default a`);
    expect(problem).toMatch(
      /^`--variations`: variation `a` is not valid JSON: .+ \(got `\{"cols":2,b=\{"cols":3\}`\)$/,
    );
    expect(problem).not.toMatch(/at least two/);
    expect(problemOf(create, `${base} --type json --variations a={"cols":2},b={cols:3} --default a`)).toMatch(
      /^`--variations`: variation `b` is not valid JSON: /,
    );
  });

  it('own variations without --default are refused with the ids to choose from', () => {
    expect(problemOf(create, `${base} --type string --variations plain=plain,bold=bold,wide=wide --off plain`)).toBe(
      'a flag with its own variations needs a default: give `--default <one of plain, bold, wide>`',
    );
    // The implicit on/off pair still defaults by kind.
    expect(parseTestCommand(create, 'create ops-x --kind ops --owner sre --description d')).toMatchObject({
      default: undefined,
      variations: undefined,
    });
  });
});
