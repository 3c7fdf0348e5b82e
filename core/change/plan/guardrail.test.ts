import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../errors.js';
import { validateFlag } from '../../model/validate-flag.js';
import { touchedByPlan } from '../../touched-scopes.js';
import { planChange, type PlanContext, type PlannableCommand } from './index.js';

const now = new Date('2026-11-24T12:00:00Z');
const environments = ['dev', 'staging', 'production'];
const guardrailMetrics = ['error_rate', 'latency_p99'];

const search = validateFlag(
  {
    key: 'search-v3',
    kind: 'release',
    owner: 'search',
    description: 'new ranking',
    expiry: '2026-12-20',
    variations: [
      { id: 'on', value: true },
      { id: 'off', value: false },
    ],
    default: 'off',
  },
  { now },
).flag;
const guarded = { ...search, guardrails: { auto_disable: { metric: 'error_rate', threshold: 0.05, window: '5m' } } };

const ctx = (
  current: PlanContext['current'],
  metrics: readonly string[] | undefined = guardrailMetrics,
): PlanContext => ({ current, version: 4, environments, now, guardrailMetrics: metrics });
const plan = (command: PlannableCommand, current: PlanContext['current'] = search, metrics?: readonly string[]) =>
  planChange(command, ctx(current, metrics));
const refusal = (run: () => unknown) => {
  try {
    run();
  } catch (err) {
    if (err instanceof ValidationError) return err.message;
    throw err;
  }
  throw new Error('expected a refusal');
};

describe('planning a guardrail', () => {
  it("sets the flag's auto-disable rule, touching every environment so a monitor starts in each", () => {
    const p = plan({
      name: 'flag.guardrail.set',
      key: 'search-v3',
      metric: 'error_rate',
      threshold: 0.02,
      window: '5m',
    });
    expect(p.target?.kind === 'flag' && p.target.document.guardrails).toEqual({
      auto_disable: { metric: 'error_rate', threshold: 0.02, window: '5m' },
    });
    expect(p.envs).toEqual(environments);
    expect(p.expectedVersion).toBe(4);
    expect(p.summary).toBe(
      'search-v3 guardrail (every environment): no guardrail → auto-disable when error_rate > 0.02 over 5m',
    );
    expect(touchedByPlan(p, search, environments)?.environments).toEqual(environments);
  });

  it('refuses a metric no PromQL template measures, naming the known metrics', () => {
    const message = refusal(() =>
      plan({ name: 'flag.guardrail.set', key: 'search-v3', metric: 'error_ratio', threshold: 0.02, window: '5m' }),
    );
    expect(message).toContain('no PromQL template for guardrail metric `error_ratio`');
    expect(message).toContain('one of error_rate, latency_p99');
    expect(message).toContain('GUARDRAIL_PROMQL');
  });

  it('accepts a metric an operator added with GUARDRAIL_PROMQL, and refuses every metric when none is known', () => {
    expect(
      plan(
        { name: 'flag.guardrail.set', key: 'search-v3', metric: 'checkout_errors', threshold: 3, window: '1m' },
        search,
        [...guardrailMetrics, 'checkout_errors'],
      ).action,
    ).toBe('flag.guardrail.set');
    expect(
      refusal(() =>
        plan(
          { name: 'flag.guardrail.set', key: 'search-v3', metric: 'error_rate', threshold: 1, window: '1m' },
          search,
          [],
        ),
      ),
    ).toContain('none is configured');
  });

  it('replaces an existing rule, and refuses one that changes nothing', () => {
    const p = plan(
      { name: 'flag.guardrail.set', key: 'search-v3', metric: 'latency_p99', threshold: 0.8, window: '10m' },
      guarded,
    );
    expect(p.summary).toBe(
      'search-v3 guardrail (every environment): auto-disable when error_rate > 0.05 over 5m → auto-disable when latency_p99 > 0.8 over 10m',
    );
    expect(
      refusal(() =>
        plan(
          { name: 'flag.guardrail.set', key: 'search-v3', metric: 'error_rate', threshold: 0.05, window: '5m' },
          guarded,
        ),
      ),
    ).toContain('nothing to change');
  });

  it('removes the rule, and refuses to remove one that is not there, saying how to set one', () => {
    const p = plan({ name: 'flag.guardrail.remove', key: 'search-v3' }, guarded);
    expect(p.target?.kind === 'flag' && p.target.document.guardrails).toBeUndefined();
    expect(p.summary).toBe(
      'search-v3 guardrail (every environment): auto-disable when error_rate > 0.05 over 5m → no guardrail',
    );
    expect(refusal(() => plan({ name: 'flag.guardrail.remove', key: 'search-v3' }))).toContain(
      '/flag guardrail set search-v3 --metric',
    );
  });

  it('refuses a flag that does not exist', () => {
    expect(
      refusal(() =>
        plan({ name: 'flag.guardrail.set', key: 'nope', metric: 'error_rate', threshold: 1, window: '5m' }, null),
      ),
    ).toContain('there is no flag `nope`');
  });
});
