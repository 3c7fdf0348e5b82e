import { describe, expect, it } from 'vitest';
import type { FlagDocument, FlagDocumentInput } from '../model/flag.js';
import { flagDocumentSchema } from '../model/flag.js';
import type { EnvSnapshot } from '../snapshot.js';
import { compileSnapshot } from './compile.js';
import type { EvaluationResult } from './types.js';

const NOW = Date.parse('2026-03-01T12:00:00Z');

function flag(input: Partial<FlagDocumentInput> = {}): FlagDocument {
  return flagDocumentSchema.parse({
    key: 'checkout.redesign',
    kind: 'ops',
    description: 'New checkout',
    owner: 'team-payments',
    default: 'off',
    variations: [
      { id: 'off', value: 'classic' },
      { id: 'on', value: 'redesign' },
      { id: 'beta', value: 'redesign-beta' },
    ],
    ...input,
  });
}

function snapshot(flags: FlagDocument[], env = 'production'): EnvSnapshot {
  return {
    env,
    version: 7,
    generatedAt: new Date(NOW).toISOString(),
    flags: Object.fromEntries(flags.map((f) => [f.key, f])),
    configs: {},
  };
}

function evaluate(f: FlagDocument, context: Record<string, unknown>, now = NOW): EvaluationResult {
  return compileSnapshot(snapshot([f]), { now: () => now }).evaluate(f.key, context);
}

const everything = {
  killed: false,
  killedTenants: ['globex'],
  userOverrides: { 'user-1': { variation: 'beta' } },
  tenantOverrides: { acme: 'on', globex: 'on' },
  rules: [{ priority: 5, condition: { plan: { eq: 'pro' } }, action: { serve: 'on' } }],
  serve: { serve: 'beta' },
};

describe('resolution order (docs/design.md#resolution-order)', () => {
  it('a flag killed in the environment serves its off variation to everyone, whatever else applies', () => {
    const f = flag({ environments: { production: { ...everything, killed: true } } });
    expect(evaluate(f, { targetingKey: 'user-1', tenant: { id: 'acme' }, plan: 'pro' })).toMatchObject({
      ok: true,
      variant: 'off',
      value: 'classic',
      reason: 'DISABLED',
      decidedBy: 'kill',
    });
  });

  it('the off variation is the flag offVariation when it names one', () => {
    const f = flag({ offVariation: 'beta', environments: { production: { killed: true } } });
    expect(evaluate(f, {})).toMatchObject({ variant: 'beta', reason: 'DISABLED' });
  });

  it('a kill in another environment does not apply here', () => {
    const f = flag({ environments: { staging: { killed: true } } });
    expect(evaluate(f, {})).toMatchObject({ variant: 'off', reason: 'STATIC', decidedBy: 'default' });
  });

  it('a tenant kill disables the flag for that tenant only, before any override', () => {
    const f = flag({ environments: { production: everything } });
    expect(evaluate(f, { targetingKey: 'user-1', tenant: { id: 'globex' } })).toMatchObject({
      variant: 'off',
      reason: 'DISABLED',
      decidedBy: 'kill:tenant',
    });
    expect(evaluate(f, { targetingKey: 'user-2', tenant: { id: 'acme' } })).toMatchObject({
      variant: 'on',
      decidedBy: 'override:tenant',
    });
  });

  it('a user override beats the tenant override, rules and env serve', () => {
    const f = flag({ environments: { production: everything } });
    expect(evaluate(f, { targetingKey: 'user-1', tenant: { id: 'acme' }, plan: 'pro' })).toMatchObject({
      variant: 'beta',
      reason: 'TARGETING_MATCH',
      decidedBy: 'override:user',
    });
  });

  it('a user override stops applying once its TTL has passed', () => {
    const expiresAt = new Date(NOW + 3_600_000).toISOString();
    const f = flag({ environments: { production: { userOverrides: { 'user-9': { variation: 'on', expiresAt } } } } });
    expect(evaluate(f, { targetingKey: 'user-9' }, NOW)).toMatchObject({ variant: 'on', decidedBy: 'override:user' });
    expect(evaluate(f, { targetingKey: 'user-9' }, NOW + 3_600_000)).toMatchObject({
      variant: 'off',
      decidedBy: 'default',
    });
    expect(evaluate(f, { targetingKey: 'someone-else' }, NOW)).toMatchObject({ variant: 'off', decidedBy: 'default' });
  });

  it('a tenant override beats the rules', () => {
    const f = flag({ environments: { production: everything } });
    expect(evaluate(f, { targetingKey: 'user-3', tenant: { id: 'acme' }, plan: 'free' })).toMatchObject({
      variant: 'on',
      decidedBy: 'override:tenant',
    });
  });

  it('rules apply by priority, lowest number first, global and environment rules merged', () => {
    const f = flag({
      rules: [
        { priority: 20, condition: { plan: { eq: 'pro' } }, action: { serve: 'beta' } },
        { id: 'staff', priority: 10, condition: { staff: { eq: true } }, action: { serve: 'on' } },
      ],
      environments: {
        production: {
          rules: [{ id: 'pro-first', priority: 15, condition: { plan: { eq: 'pro' } }, action: { serve: 'on' } }],
        },
      },
    });
    expect(evaluate(f, { staff: true, plan: 'pro' })).toMatchObject({
      variant: 'on',
      reason: 'TARGETING_MATCH',
      decidedBy: 'rule:staff',
    });
    expect(evaluate(f, { plan: 'pro' })).toMatchObject({ variant: 'on', decidedBy: 'rule:pro-first' });
    expect(evaluate(f, { plan: 'free' })).toMatchObject({ variant: 'off', decidedBy: 'default' });
  });

  it('on equal priority a global rule comes before an environment rule', () => {
    const f = flag({
      rules: [{ priority: 1, condition: { plan: { eq: 'pro' } }, action: { serve: 'beta' } }],
      environments: {
        production: {
          rules: [{ id: 'env', priority: 1, condition: { plan: { eq: 'pro' } }, action: { serve: 'on' } }],
        },
      },
    });
    expect(evaluate(f, { plan: 'pro' })).toMatchObject({ variant: 'beta', decidedBy: 'rule:1' });
  });

  it('environment rules of another environment do not apply', () => {
    const f = flag({
      environments: {
        staging: { rules: [{ priority: 1, condition: { plan: { eq: 'pro' } }, action: { serve: 'on' } }] },
      },
    });
    expect(evaluate(f, { plan: 'pro' })).toMatchObject({ variant: 'off', decidedBy: 'default' });
  });

  it('a rule with a rollout splits the contexts it matches', () => {
    const f = flag({
      rules: [
        { id: 'half', priority: 1, condition: { plan: { eq: 'pro' } }, action: { rollout: { off: 50, on: 50 } } },
      ],
    });
    const variants = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const result = evaluate(f, { targetingKey: `u${i}`, plan: 'pro' });
      expect(result).toMatchObject({ reason: 'SPLIT', decidedBy: 'rule:half' });
      if (result.ok) variants.add(result.variant);
    }
    expect(variants).toEqual(new Set(['off', 'on']));
  });

  it('the environment serve applies when no rule matched: fixed is STATIC, a rollout is SPLIT', () => {
    expect(evaluate(flag({ environments: { production: { serve: { serve: 'on' } } } }), {})).toMatchObject({
      variant: 'on',
      value: 'redesign',
      reason: 'STATIC',
      decidedBy: 'env:serve',
    });
    expect(
      evaluate(flag({ environments: { production: { serve: { rollout: { on: 100 } } } } }), { targetingKey: 'u1' }),
    ).toMatchObject({
      variant: 'on',
      reason: 'SPLIT',
      decidedBy: 'env:rollout',
    });
  });

  it('a split without the stickiness attribute is a TARGETING_KEY_MISSING error, not an exception', () => {
    const f = flag({ environments: { production: { serve: { rollout: { off: 50, on: 50 } } } } });
    for (const context of [{}, { targetingKey: '' }, { targetingKey: null }]) {
      expect(evaluate(f, context)).toMatchObject({ ok: false, errorCode: 'TARGETING_KEY_MISSING' });
    }
  });

  it('a flag sticky on tenant.id gives every user of a tenant the same variation', () => {
    const f = flag({
      stickiness: 'tenant.id',
      environments: { production: { serve: { rollout: { off: 50, on: 50 } } } },
    });
    for (let t = 0; t < 20; t++) {
      const variants = new Set<string>();
      for (let u = 0; u < 20; u++) {
        const result = evaluate(f, { targetingKey: `user-${u}`, tenant: { id: `tenant-${t}` } });
        if (result.ok) variants.add(result.variant);
      }
      expect(variants.size).toBe(1);
    }
    expect(evaluate(f, { targetingKey: 'user-1' })).toMatchObject({ ok: false, errorCode: 'TARGETING_KEY_MISSING' });
  });

  it('an unknown flag key is FLAG_NOT_FOUND', () => {
    expect(compileSnapshot(snapshot([flag()])).evaluate('nope', {})).toMatchObject({
      ok: false,
      key: 'nope',
      errorCode: 'FLAG_NOT_FOUND',
    });
  });

  it('a flag with bad data reports GENERAL on every evaluation while the other flags keep working', () => {
    const good = flag({ key: 'good.flag' });
    const bad = {
      ...flag({ key: 'bad.flag' }),
      rules: [{ priority: 1, condition: { plan: { eq: 'pro' } }, action: { serve: 'ghost' } }],
    } as FlagDocument;
    const compiled = compileSnapshot(snapshot([good, bad]));
    for (let i = 0; i < 2; i++) {
      const result = compiled.evaluate('bad.flag', { plan: 'free' });
      expect(result).toMatchObject({ ok: false, errorCode: 'GENERAL' });
      expect(!result.ok && result.errorDetails).toMatch(/unknown variation "ghost"/);
    }
    expect(compiled.evaluate('good.flag', {})).toMatchObject({ ok: true, variant: 'off' });
  });

  it('evaluateAll answers for every flag, with the snapshot env and version exposed', () => {
    const compiled = compileSnapshot(
      snapshot([
        flag({ key: 'a.flag' }),
        flag({ key: 'b.flag', environments: { production: { serve: { serve: 'on' } } } }),
      ]),
    );
    expect(compiled.evaluateAll({}).map((r) => [r.key, r.ok && r.variant])).toEqual([
      ['a.flag', 'off'],
      ['b.flag', 'on'],
    ]);
    expect(compiled.flagKeys()).toEqual(['a.flag', 'b.flag']);
    expect(compiled.has('a.flag')).toBe(true);
    expect([compiled.env, compiled.version]).toEqual(['production', 7]);
  });

  it('a JSON variation value is served as a copy the caller cannot mutate into the snapshot', () => {
    const f = flag({
      key: 'limits',
      default: 'small',
      variations: [
        { id: 'small', value: { max: 10 } },
        { id: 'large', value: { max: 100 } },
      ],
    });
    const result = evaluate(f, {});
    expect(result).toMatchObject({ value: { max: 10 } });
    expect(() => {
      (result as unknown as { value: { max: number } }).value.max = 1;
    }).toThrow();
    expect(f.variations[0]!.value).toEqual({ max: 10 });
  });

  it('a missing or non-object context does not throw', () => {
    const compiled = compileSnapshot(snapshot([flag()]));
    expect(compiled.evaluate('checkout.redesign', undefined as never)).toMatchObject({ ok: true, variant: 'off' });
    expect(compiled.evaluate('checkout.redesign', 'x' as never)).toMatchObject({
      ok: false,
      errorCode: 'INVALID_CONTEXT',
    });
  });
});

function opsSwitch(input: Partial<FlagDocumentInput> = {}): FlagDocument {
  return flag({
    key: 'payments.circuit',
    kind: 'ops',
    default: 'on',
    variations: [
      { id: 'on', value: true },
      { id: 'off', value: false },
    ],
    ...input,
  });
}

describe('a kill always turns the feature off', () => {
  it('a killed ops flag (default on) serves its false variation, not the default', () => {
    const f = opsSwitch({ environments: { production: { killed: true } } });
    expect(evaluate(f, { targetingKey: 'u1' })).toMatchObject({
      value: false,
      variant: 'off',
      reason: 'DISABLED',
      decidedBy: 'kill',
    });
  });

  it('a tenant kill of an ops flag serves false to that tenant and leaves the others on', () => {
    const f = opsSwitch({ environments: { production: { killedTenants: ['acme'] } } });
    expect(evaluate(f, { targetingKey: 'u1', tenant: { id: 'acme' } })).toMatchObject({
      value: false,
      variant: 'off',
      reason: 'DISABLED',
      decidedBy: 'kill:tenant',
    });
    expect(evaluate(f, { targetingKey: 'u1', tenant: { id: 'globex' } })).toMatchObject({ value: true, variant: 'on' });
  });

  it('a boolean flag serves false when killed even if it names a true offVariation', () => {
    const f = opsSwitch({ offVariation: 'on', environments: { production: { killed: true } } });
    expect(evaluate(f, {})).toMatchObject({ value: false, variant: 'off', reason: 'DISABLED' });
  });

  it('a non-boolean flag serves the offVariation it declares, whatever its default', () => {
    const f = flag({ default: 'on', offVariation: 'off', environments: { production: { killed: true } } });
    expect(evaluate(f, {})).toMatchObject({ value: 'classic', variant: 'off', reason: 'DISABLED' });
  });

  it('an imported non-boolean flag without an offVariation serves its default when killed (import warned about it)', () => {
    const f = flag({ default: 'beta', environments: { production: { killed: true } } });
    expect(evaluate(f, {})).toMatchObject({ variant: 'beta', reason: 'DISABLED', decidedBy: 'kill' });
  });
});

describe('reasons: STATIC when nothing here can vary the answer, DEFAULT when something could have', () => {
  const ruled = { rules: [{ priority: 1, condition: { plan: { eq: 'pro' } }, action: { serve: 'on' as const } }] };

  it('a flag without rules, overrides, tenant kills or rollout answers its default as STATIC', () => {
    expect(evaluate(opsSwitch(), { targetingKey: 'u1' })).toMatchObject({
      value: true,
      reason: 'STATIC',
      decidedBy: 'default',
    });
    expect(evaluate(opsSwitch({ environments: { production: { serve: { serve: 'off' } } } }), {})).toMatchObject({
      variant: 'off',
      reason: 'STATIC',
    });
  });

  it('rules elsewhere do not count: only this environment and the global rules', () => {
    expect(evaluate(opsSwitch({ environments: { staging: ruled } }), {})).toMatchObject({ reason: 'STATIC' });
  });

  it('global or environment rules that did not match make the answer DEFAULT', () => {
    expect(evaluate(opsSwitch(ruled), { plan: 'free' })).toMatchObject({ reason: 'DEFAULT', decidedBy: 'default' });
    expect(
      evaluate(opsSwitch({ environments: { production: { ...ruled, serve: { serve: 'off' } } } }), { plan: 'free' }),
    ).toMatchObject({
      variant: 'off',
      reason: 'DEFAULT',
      decidedBy: 'env:serve',
    });
  });

  it('a user override, a tenant override or a tenant kill make the others DEFAULT', () => {
    for (const production of [
      { userOverrides: { 'user-1': { variation: 'off' } } },
      { tenantOverrides: { acme: 'off' } },
      { killedTenants: ['acme'] },
    ]) {
      expect(
        evaluate(opsSwitch({ environments: { production } }), { targetingKey: 'user-2', tenant: { id: 'globex' } }),
      ).toMatchObject({
        variant: 'on',
        reason: 'DEFAULT',
      });
    }
  });
});
