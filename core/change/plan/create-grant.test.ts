import { parseTestCommand } from '../../../test/parse-command.js';
import { describe, expect, it } from 'vitest';
import { planChange, type PlanContext, type PlannableCommand } from './index.js';
import type { FlagDocument } from '../../model/flag.js';

const now = new Date('2026-11-24T12:00:00Z');
const ctx: PlanContext = { current: null, version: 0, environments: ['dev', 'staging', 'production'], now };
const planned = (slash: '/flag' | '/change', text: string) =>
  planChange(parseTestCommand(slash, text) as PlannableCommand, ctx);
const created = (text: string) => planned('/flag', text).target!.document as FlagDocument;

describe('/flag create and the off variation a kill serves', () => {
  it('a boolean ops flag (default on) is created with its false variation as what a kill serves', () => {
    const plan = planned('/flag', 'create ops-b --kind ops --owner sre --description "breaker"');
    expect(plan.summary).toMatch(/default on; a kill serves off/);
    expect((plan.target!.document as FlagDocument).default).toBe('on');
  });

  it('a non-boolean flag without --off is refused, naming its variations', () => {
    expect(() =>
      planned(
        '/flag',
        'create retry-limit --kind ops --owner sre --description d --type number --variations a=1,b=2 --default b',
      ),
    ).toThrow(
      /offVariation: a number flag must declare the variation a kill serves \(--off <variation>, one of a, b\)/,
    );
  });

  it('a non-boolean flag with --off keeps it as its offVariation', () => {
    const flag = created(
      'create retry-limit --kind ops --owner sre --description d --type number --variations a=1,b=2 --default b --off a',
    );
    expect(flag).toMatchObject({ default: 'b', offVariation: 'a' });
  });

  it('--off must name one of the variations', () => {
    expect(() =>
      parseTestCommand('/flag', 'create x --kind ops --owner a --description d --variations a=1,b=2 --off c'),
    ).toThrow('`--off` must be one of the variations a, b (got `c`)');
  });

  it('a boolean flag cannot name its true variation as off', () => {
    expect(() => planned('/flag', 'create ops-c --kind ops --owner sre --description d --off on')).toThrow(
      /"on" is not false/,
    );
  });
});

describe('/change role grant plans', () => {
  it('a grant plan names its scope; whether the scope can be granted is for the policy (role-scope.test.ts)', () => {
    expect(planned('/change', 'role grant <@U1> admin --tenant acme --reason "new admin"').summary).toBe(
      'grant admin (tenant acme) to U1',
    );
  });

  it('a grant without a scope says what it covers', () => {
    expect(planned('/change', 'role grant <@U1> developer --reason r').summary).toBe(
      'grant developer (every environment below production) to U1',
    );
  });

  it('a revoke is never refused for its scope: a binding granted before the rule must stay revocable', () => {
    expect(planned('/change', 'role revoke <@U1> admin --reason "was useless"').summary).toBe(
      'revoke admin (every environment) from U1',
    );
  });
});
