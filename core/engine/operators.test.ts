import { describe, expect, it } from 'vitest';
import { compileOperatorTest } from './operators/index.js';
import { MAX_MATCHED_LENGTH } from './operators/regex.js';

const holds = (test: Record<string, unknown>, value: unknown) => compileOperatorTest(test)(value);

describe('operators', () => {
  it('eq / neq compare strictly, without coercing types', () => {
    expect(holds({ eq: 'enterprise' }, 'enterprise')).toBe(true);
    expect(holds({ eq: 'enterprise' }, 'standard')).toBe(false);
    expect(holds({ eq: 5 }, '5')).toBe(false);
    expect(holds({ eq: true }, true)).toBe(true);
    expect(holds({ neq: 'enterprise' }, 'standard')).toBe(true);
    expect(holds({ neq: 'enterprise' }, 'enterprise')).toBe(false);
    expect(holds({ neq: 'enterprise' }, undefined)).toBe(true);
  });

  it('in / notIn test membership', () => {
    expect(holds({ in: ['acme', 'globex'] }, 'globex')).toBe(true);
    expect(holds({ in: ['acme', 'globex'] }, 'initech')).toBe(false);
    expect(holds({ in: [1, 2, 3] }, 2)).toBe(true);
    expect(holds({ in: [1, 2, 3] }, '2')).toBe(false);
    expect(holds({ notIn: ['acme'] }, 'globex')).toBe(true);
    expect(holds({ notIn: ['acme'] }, 'acme')).toBe(false);
  });

  it('startsWith / endsWith / contains work on strings, contains also on lists', () => {
    expect(holds({ startsWith: 'eu-' }, 'eu-west-1')).toBe(true);
    expect(holds({ startsWith: 'eu-' }, 'us-east-1')).toBe(false);
    expect(holds({ endsWith: '@companyos.io' }, 'ana@companyos.io')).toBe(true);
    expect(holds({ endsWith: '@companyos.io' }, 'ana@companyos.io.evil.com')).toBe(false);
    expect(holds({ contains: 'beta' }, 'android-beta-3')).toBe(true);
    expect(holds({ contains: 'beta' }, ['alpha', 'beta'])).toBe(true);
    expect(holds({ contains: 'beta' }, ['alpha'])).toBe(false);
  });

  it('matches runs the compiled regex and refuses over-long input', () => {
    expect(holds({ matches: '^[a-z]+-\\d+$' }, 'build-42')).toBe(true);
    expect(holds({ matches: '^[a-z]+-\\d+$' }, 'Build-42')).toBe(false);
    expect(holds({ matches: '^a+$' }, 'a'.repeat(MAX_MATCHED_LENGTH))).toBe(true);
    expect(holds({ matches: '^a+$' }, 'a'.repeat(MAX_MATCHED_LENGTH + 1))).toBe(false);
  });

  it('a regex gives the same answer on repeated calls (no lastIndex state)', () => {
    const test = compileOperatorTest({ matches: 'x' });
    expect([test('x'), test('x'), test('x')]).toEqual([true, true, true]);
  });

  it('gt / gte / lt / lte compare numbers', () => {
    expect(holds({ gt: 10 }, 11)).toBe(true);
    expect(holds({ gt: 10 }, 10)).toBe(false);
    expect(holds({ gte: 10 }, 10)).toBe(true);
    expect(holds({ lt: 10 }, 9.5)).toBe(true);
    expect(holds({ lt: 10 }, 10)).toBe(false);
    expect(holds({ lte: 10 }, 10)).toBe(true);
    expect(holds({ gte: 2, lt: 5 }, 4)).toBe(true);
    expect(holds({ gte: 2, lt: 5 }, 5)).toBe(false);
  });

  it('semver operators order versions, pre-releases before releases, partial versions completed', () => {
    expect(holds({ semverGt: '2.1.0' }, '2.10.0')).toBe(true);
    expect(holds({ semverGt: '2.1.0' }, '2.1.0')).toBe(false);
    expect(holds({ semverGte: '2.1.0' }, '2.1.0')).toBe(true);
    expect(holds({ semverLt: '2.1.0' }, '2.1.0-beta.1')).toBe(true);
    expect(holds({ semverLte: '2.1' }, '2.1.0')).toBe(true);
    expect(holds({ semverGte: 'v3' }, 'v3.0.1')).toBe(true);
    expect(holds({ semverGt: '1.0.0' }, 'not-a-version')).toBe(false);
  });

  it('exists tells present from absent', () => {
    expect(holds({ exists: true }, '')).toBe(true);
    expect(holds({ exists: true }, undefined)).toBe(false);
    expect(holds({ exists: true }, null)).toBe(false);
    expect(holds({ exists: false }, undefined)).toBe(true);
    expect(holds({ exists: false }, 0)).toBe(false);
  });

  it('a type mismatch is no match, never an exception', () => {
    const values = [undefined, null, 42, 'text', true, [], {}, Number.NaN];
    const tests = [
      { gt: 1 },
      { startsWith: 'a' },
      { matches: 'a' },
      { semverGt: '1.0.0' },
      { contains: 'a' },
      { in: ['a'] },
    ];
    for (const test of tests) for (const value of values) expect(() => holds(test, value)).not.toThrow();
    expect(holds({ gt: 1 }, '2')).toBe(false);
    expect(holds({ startsWith: '4' }, 42)).toBe(false);
    expect(holds({ semverGt: '1.0.0' }, 2)).toBe(false);
  });

  it('refuses an unknown operator or a bad operand at compile time, naming it', () => {
    expect(() => compileOperatorTest({ like: 'a%' })).toThrow(/unknown operator "like"/);
    expect(() => compileOperatorTest({ gt: 'ten' })).toThrow(/"gt" needs a number/);
    expect(() => compileOperatorTest({ semverGt: 'latest' })).toThrow(/"semverGt" needs a semantic version/);
    expect(() => compileOperatorTest({ matches: 'x'.repeat(300) })).toThrow(/"matches"/);
  });
});
