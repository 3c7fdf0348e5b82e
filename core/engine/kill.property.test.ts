import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EnvironmentState, FlagValueType, JsonValue, Rule, Serve } from '../model/flag.js';
import { validateFlag } from '../model/validate-flag.js';
import { kill } from '../operations/flag-operations.js';
import type { EnvSnapshot } from '../snapshot.js';
import { compileSnapshot } from './compile.js';
import type { EvaluationContext } from './types.js';

/**
 * Property (b) of the safety promises: after a kill in an environment, every evaluation there of
 * any flag, whatever its type, default, rules, overrides or rollouts, serves the flag's off
 * variation with reason DISABLED; after a tenant kill, every evaluation for that tenant does.
 * Seeded: a failure prints its seed and path; replay with FC_SEED=<seed>.
 */
const SEED = Number(process.env.FC_SEED ?? 20_260_301);
const RUNS = Number(process.env.FC_RUNS ?? 100);
const params = { seed: SEED, numRuns: RUNS };

const ENV = 'production';
const OTHER_ENV = 'staging';
const USERS = ['user-1', 'user-2', 'user-3', 'user-4'];
const TENANTS = ['acme', 'globex', 'initech'];
const NOW = Date.parse('2026-03-01T12:00:00Z');

interface Generated {
  input: Record<string, unknown>;
  valueType: FlagValueType;
  /** What a kill must serve, worked out from the generator's own choices (not by the code under test). */
  offId: string;
  offValue: JsonValue;
}

const valueOf: Record<Exclude<FlagValueType, 'boolean'>, fc.Arbitrary<JsonValue>> = {
  string: fc.string({ maxLength: 8 }),
  number: fc.oneof(fc.integer({ min: -1000, max: 1000 }), fc.double({ noNaN: true, noDefaultInfinity: true })),
  json: fc.dictionary(
    fc.constantFrom('a', 'b', 'c'),
    fc.oneof(fc.integer(), fc.boolean(), fc.string({ maxLength: 4 }), fc.constant(null)),
    { maxKeys: 3, noNullPrototype: true },
  ),
};

const variationsOf = (type: FlagValueType): fc.Arbitrary<{ id: string; value: JsonValue }[]> => {
  if (type === 'boolean') {
    return fc
      .tuple(fc.constantFrom('off', 'legacy', 'disabled'), fc.constantFrom('on', 'new', 'enabled'), fc.boolean())
      .map(([offId, onId, falseFirst]) =>
        falseFirst
          ? [
              { id: offId, value: false },
              { id: onId, value: true },
            ]
          : [
              { id: onId, value: true },
              { id: offId, value: false },
            ],
      );
  }
  return fc
    .uniqueArray(fc.constantFrom('a', 'b', 'c', 'd', 'control', 'treatment'), { minLength: 2, maxLength: 4 })
    .chain((ids) => fc.tuple(...ids.map((id) => valueOf[type].map((value) => ({ id, value })))));
};

/** Integer weights over `ids` adding up to 100. */
const rolloutOf = (ids: string[]): fc.Arbitrary<Record<string, number>> =>
  fc.array(fc.integer({ min: 0, max: 100 }), { minLength: ids.length - 1, maxLength: ids.length - 1 }).map((cuts) => {
    const points = [0, ...cuts.sort((a, b) => a - b), 100];
    return Object.fromEntries(ids.map((id, i) => [id, points[i + 1]! - points[i]!]));
  });

const serveOf = (ids: string[]): fc.Arbitrary<Serve> =>
  fc.oneof(
    fc.constantFrom(...ids).map((serve) => ({ serve })),
    rolloutOf(ids).map((rollout) => ({ rollout })),
  );

const conditionArb = fc.oneof(
  fc.constantFrom('free', 'pro').map((plan) => ({ plan: { eq: plan } })),
  fc.constantFrom(...TENANTS).map((t) => ({ 'tenant.id': { eq: t } })),
  fc.constant({ 'user.email': { endsWith: '@companyos.io' } }),
  fc.constant({ env: { eq: ENV } }),
  fc.constant({ plan: { exists: true } }),
);

const rulesOf = (ids: string[]): fc.Arbitrary<Rule[]> =>
  fc.array(fc.record({ priority: fc.integer({ min: 0, max: 9 }), condition: conditionArb, action: serveOf(ids) }), {
    maxLength: 3,
  });

const stateOf = (ids: string[]): fc.Arbitrary<Partial<EnvironmentState>> =>
  fc.record(
    {
      killedTenants: fc.subarray(TENANTS),
      userOverrides: fc.dictionary(
        fc.constantFrom(...USERS),
        fc.record(
          {
            variation: fc.constantFrom(...ids),
            expiresAt: fc.option(fc.constantFrom(new Date(NOW + 3_600_000).toISOString()), { nil: undefined }),
          },
          { requiredKeys: ['variation'] },
        ),
        { maxKeys: 3 },
      ),
      tenantOverrides: fc.dictionary(fc.constantFrom(...TENANTS), fc.constantFrom(...ids), { maxKeys: 3 }),
      rules: rulesOf(ids),
      serve: serveOf(ids),
    },
    { requiredKeys: [] },
  );

const flagArb: fc.Arbitrary<Generated> = fc
  .constantFrom<FlagValueType>('boolean', 'string', 'number', 'json')
  .chain((valueType) => variationsOf(valueType).map((variations) => ({ valueType, variations })))
  .chain(({ valueType, variations }) => {
    const ids = variations.map((v) => v.id);
    return fc
      .record({
        kind: fc.constantFrom('release', 'ops', 'permission', 'experiment'),
        defaultIndex: fc.nat({ max: ids.length - 1 }),
        defaultAsValue: fc.boolean(),
        // A non-boolean flag declares its off variation when created; an imported one may not
        // (a kill then serves its default). A boolean one may name either variation: false wins.
        offIndex: fc.option(fc.nat({ max: ids.length - 1 }), { nil: undefined }),
        stickiness: fc.constantFrom('targetingKey', 'tenant.id'),
        rules: rulesOf(ids),
        here: stateOf(ids),
        elsewhere: stateOf(ids),
      })
      .map((g): Generated => {
        const defaultId = ids[g.defaultIndex]!;
        const declared = g.offIndex === undefined ? undefined : ids[g.offIndex]!;
        const offId = valueType === 'boolean' ? variations.find((v) => v.value === false)!.id : (declared ?? defaultId);
        const input = {
          key: 'generated.flag',
          kind: g.kind,
          valueType,
          description: 'generated',
          owner: 'team-property',
          expiry: '2026-04-01',
          stickiness: g.stickiness,
          variations,
          default: g.defaultAsValue && valueType === 'boolean' ? variations[g.defaultIndex]!.value : defaultId,
          ...(declared === undefined ? {} : { offVariation: declared }),
          rules: g.rules,
          environments: { [ENV]: g.here, [OTHER_ENV]: g.elsewhere },
        };
        return { input, valueType, offId, offValue: variations.find((v) => v.id === offId)!.value };
      });
  });

const contextArb: fc.Arbitrary<EvaluationContext> = fc.record(
  {
    targetingKey: fc.oneof(fc.constantFrom(...USERS), fc.string({ maxLength: 6 })),
    tenant: fc.record(
      { id: fc.constantFrom(...TENANTS), tier: fc.constantFrom('enterprise', 'standard') },
      { requiredKeys: [] },
    ),
    plan: fc.constantFrom('free', 'pro'),
    user: fc.record({ email: fc.constantFrom('ada@companyos.io', 'bob@example.com') }),
    env: fc.constantFrom(ENV, OTHER_ENV),
  },
  { requiredKeys: [] },
);

function evaluateAll(flag: ReturnType<typeof validateFlag>['flag'], contexts: EvaluationContext[]) {
  const snapshot: EnvSnapshot = {
    env: ENV,
    version: 1,
    generatedAt: new Date(NOW).toISOString(),
    flags: { [flag.key]: flag },
    configs: {},
  };
  const compiled = compileSnapshot(snapshot, { now: () => NOW });
  return contexts.map((context) => compiled.evaluate(flag.key, context));
}

function servesOff(generated: Generated, results: ReturnType<typeof evaluateAll>, decidedBy: string): void {
  for (const result of results) {
    expect(result).toMatchObject({ ok: true, variant: generated.offId, reason: 'DISABLED', decidedBy });
    if (!result.ok) continue;
    expect(result.value).toEqual(generated.offValue);
    if (generated.valueType === 'boolean') expect(result.value).toBe(false);
  }
}

describe('a kill always turns the feature off (property, seed ' + SEED + ')', () => {
  it('after a kill in an environment, every evaluation there serves the off variation with reason DISABLED', () => {
    fc.assert(
      fc.property(flagArb, fc.array(contextArb, { minLength: 1, maxLength: 8 }), (generated, contexts) => {
        const { flag } = validateFlag(generated.input, { now: new Date(NOW), mode: 'import' });
        servesOff(generated, evaluateAll(kill(flag, ENV), contexts), 'kill');
      }),
      params,
    );
  });

  it('after a tenant kill, every evaluation for that tenant serves the off variation with reason DISABLED', () => {
    fc.assert(
      fc.property(
        flagArb,
        fc.constantFrom(...TENANTS),
        fc.array(contextArb, { minLength: 1, maxLength: 8 }),
        (generated, tenant, contexts) => {
          const { flag } = validateFlag(generated.input, { now: new Date(NOW), mode: 'import' });
          const forTenant = contexts.map((context) => ({
            ...context,
            tenant: { ...(context.tenant as object | undefined), id: tenant },
          }));
          servesOff(generated, evaluateAll(kill(flag, ENV, tenant), forTenant), 'kill:tenant');
        },
      ),
      params,
    );
  });

  it('a kill in another environment leaves this one serving as before', () => {
    fc.assert(
      fc.property(flagArb, fc.array(contextArb, { minLength: 1, maxLength: 8 }), (generated, contexts) => {
        const { flag } = validateFlag(generated.input, { now: new Date(NOW), mode: 'import' });
        expect(evaluateAll(kill(flag, OTHER_ENV), contexts)).toEqual(evaluateAll(flag, contexts));
      }),
      params,
    );
  });
});
