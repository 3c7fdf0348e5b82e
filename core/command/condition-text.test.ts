import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Condition } from '../model/condition.js';
import { conditionText } from './condition-text.js';
import { parseConditionText } from './option-values.js';

/** Seeded: a failure prints its seed and path; replay with FC_SEED=<seed>. */
const params = { seed: Number(process.env.FC_SEED ?? 20_261_124), numRuns: Number(process.env.FC_RUNS ?? 300) };

describe('a rule condition, as people read and type it', () => {
  it('reads like the --if text that made it', () => {
    expect(conditionText({ 'user.email': { endsWith: '@x.io' } })).toBe('user.email endsWith @x.io');
    expect(
      conditionText({
        all: [
          { 'tenant.tier': { in: ['beta', 'enterprise'] } },
          { 'app.version': { semverGte: '2.1.0' } },
          { 'user.age': { gte: 18 } },
        ],
      }),
    ).toBe('tenant.tier in beta,enterprise and app.version semverGte 2.1.0 and user.age gte 18');
    expect(conditionText({ beta: { exists: true } })).toBe('beta exists');
  });

  it('quotes a string that would otherwise read as a number, a boolean or several words', () => {
    expect(conditionText({ 'user.id': { eq: '42' } })).toBe('user.id eq "42"');
    expect(conditionText({ 'user.name': { eq: 'Ada Lovelace' } })).toBe('user.name eq "Ada Lovelace"');
    expect(conditionText({ 'user.flag': { eq: 'true' } })).toBe('user.flag eq "true"');
    expect(conditionText({ 'user.id': { eq: 42 } })).toBe('user.id eq 42');
  });

  it('shows what --if cannot write (any, not) readably', () => {
    expect(
      conditionText({ any: [{ 'tenant.id': { eq: 'acme' } }, { all: [{ a: { eq: 1 } }, { b: { eq: 2 } }] }] }),
    ).toBe('tenant.id eq acme or (a eq 1 and b eq 2)');
    expect(conditionText({ not: { 'tenant.tier': { eq: 'free' } } })).toBe('not (tenant.tier eq free)');
    // An attribute named `not` is an attribute, not a negation.
    expect(conditionText({ not: { eq: 1 } } as Condition)).toBe('not eq 1');
  });

  it('reads back into the same condition with --if (a property over generated conditions)', () => {
    const attribute = fc.constantFrom(
      'user.email',
      'tenant.tier',
      'tenant.id',
      'app.version',
      'user.age',
      'env',
      'country',
    );
    const word = fc.stringMatching(/^[A-Za-z0-9@._-]{1,12}$/);
    const text = fc.oneof(
      word,
      fc.stringMatching(/^[A-Za-z0-9 ]{1,12}$/).filter((s) => s.trim() === s && s !== ''),
    );
    const semver = fc.tuple(fc.nat(20), fc.nat(20), fc.nat(20)).map(([a, b, c]) => `${a}.${b}.${c}`);
    const scalar = fc.oneof(text, fc.integer({ min: -1000, max: 1000 }), fc.boolean());
    const test = fc.oneof(
      fc.record({ op: fc.constantFrom('eq', 'neq'), value: scalar }),
      fc.record({
        op: fc.constantFrom('in', 'notIn'),
        value: fc.oneof(
          fc.uniqueArray(word, { minLength: 1, maxLength: 4 }),
          fc.uniqueArray(fc.integer({ min: 0, max: 99 }), { minLength: 1, maxLength: 4 }),
        ),
      }),
      fc.record({ op: fc.constantFrom('startsWith', 'endsWith', 'contains'), value: text }),
      fc.record({ op: fc.constantFrom('gt', 'gte', 'lt', 'lte'), value: fc.integer({ min: -1000, max: 1000 }) }),
      fc.record({ op: fc.constantFrom('semverGt', 'semverLte'), value: semver }),
      fc.record({ op: fc.constant('exists'), value: fc.constant(true) }),
    );
    const single = fc.tuple(attribute, test).map(([attr, t]) => ({ [attr]: { [t.op]: t.value } }) as Condition);
    const condition = fc.oneof(
      single,
      fc.array(single, { minLength: 2, maxLength: 4 }).map((all) => ({ all }) as Condition),
    );
    fc.assert(
      fc.property(condition, (c) => {
        expect(parseConditionText(conditionText(c))).toEqual(c);
      }),
      params,
    );
  });
});
