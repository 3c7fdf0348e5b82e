import { TEST_POLICY } from '../test/policy.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planChange, type PlannableCommand } from './change/plan/index.js';
import { CLASS_ORDER, classify, type ChangeClass } from './classify.js';
import { changeRequestOf } from './command/change-request-of.js';
import { compileFlag } from './engine/compile-flag.js';
import type { EvaluationContext, EvaluationResult } from './engine/types.js';
import { SwitchyardError } from './errors.js';
import type { EnvironmentState, FlagDocument, FlagKind, Rule } from './model/flag.js';
import { validateFlag } from './model/validate-flag.js';
import type { RoleBinding } from './rbac.js';
import { judgedOnDiff } from './touched-scopes.js';

/**
 * Properties (a) and (d) of the safety promises, over generated flags, role bindings and commands:
 * (a) a change classified standard reaches only environments (and tenants) the actor holds a role
 *     for, where "reaches" is read off the served answers, not off the touched-set code;
 * (d) adding environments to a change never makes it less risky.
 * Seeded: a failure prints its seed and path; replay with FC_SEED=<seed>.
 */
const SEED = Number(process.env.FC_SEED ?? 20_261_124);
const RUNS = Number(process.env.FC_RUNS ?? 200);
const params = { seed: SEED, numRuns: RUNS };

const ENVS = ['dev', 'staging', 'production'];
const PRODUCTION = ['production'];
const TENANTS = ['acme', 'globex', 'initech'];
const USERS = ['user-1', 'user-2', 'user-3'];
const PLANS = [undefined, 'gold', 'silver'];
const NOW = new Date('2026-11-24T12:00:00Z');
const ACTOR = 'U_ACTOR';

/** Every context the answers are compared on: each user, with and without each tenant and plan. */
const CONTEXTS: EvaluationContext[] = USERS.flatMap((targetingKey) =>
  [undefined, ...TENANTS].flatMap((tenant) =>
    PLANS.map((plan) => ({ targetingKey, ...(tenant ? { tenant: { id: tenant } } : {}), ...(plan ? { plan } : {}) })),
  ),
);

interface Shape {
  ids: string[];
  variations: Array<{ id: string; value: boolean | string }>;
  off?: string;
}
const variationsArb = fc.constantFrom<Shape>(
  {
    ids: ['on', 'off'],
    variations: [
      { id: 'on', value: true },
      { id: 'off', value: false },
    ],
  },
  {
    ids: ['a', 'b', 'c'],
    variations: [
      { id: 'a', value: 'alpha' },
      { id: 'b', value: 'beta' },
      { id: 'c', value: 'gamma' },
    ],
    off: 'a',
  },
);

const ruleArb = (ids: string[]): fc.Arbitrary<Omit<Rule, 'id'>> =>
  fc.record({
    priority: fc.integer({ min: 1, max: 5 }),
    condition: fc.constantFrom('gold', 'silver').map((plan) => ({ plan: { eq: plan } })),
    action: fc.constantFrom(...ids).map((serve) => ({ serve })),
  });

const stateArb = (ids: string[]): fc.Arbitrary<EnvironmentState> =>
  fc
    .record({
      killed: fc.boolean(),
      killedTenants: fc.subarray(TENANTS),
      userOverrides: fc.dictionary(
        fc.constantFrom(...USERS),
        fc.constantFrom(...ids).map((variation) => ({ variation })),
        { maxKeys: 2 },
      ),
      tenantOverrides: fc.dictionary(fc.constantFrom(...TENANTS), fc.constantFrom(...ids), { maxKeys: 2 }),
      rules: fc.array(ruleArb(ids), { maxLength: 2 }),
      serve: fc.option(
        fc.oneof(
          fc.constantFrom(...ids).map((serve) => ({ serve })),
          fc.integer({ min: 0, max: 100 }).map((p) => ({ rollout: { [ids[0]!]: p, [ids[1]!]: 100 - p } })),
        ),
        { nil: undefined },
      ),
    })
    .map((state) => ({ ...state, rules: state.rules.map((r, i) => ({ ...r, id: `r${i + 1}` })) }));

const flagArb: fc.Arbitrary<FlagDocument> = fc
  .record({
    kind: fc.constantFrom<FlagKind>('release', 'ops', 'permission', 'experiment'),
    shape: variationsArb,
    defaultIndex: fc.nat({ max: 2 }),
  })
  .chain(({ kind, shape, defaultIndex }) =>
    fc.tuple(...ENVS.map(() => fc.option(stateArb(shape.ids), { nil: undefined, freq: 3 }))).map((states) => {
      const environments = Object.fromEntries(ENVS.flatMap((env, i) => (states[i] ? [[env, states[i]]] : [])));
      return validateFlag(
        {
          key: 'generated',
          kind,
          owner: 'team',
          description: 'generated',
          expiry: '2026-12-20',
          variations: shape.variations,
          default: shape.ids[defaultIndex % shape.ids.length],
          ...(shape.off ? { offVariation: shape.off } : {}),
          environments,
        },
        { now: NOW, mode: 'import' },
      ).flag;
    }),
  );

const bindingArb: fc.Arbitrary<RoleBinding> = fc
  .oneof(
    fc.record({ role: fc.constant('developer' as const), env: fc.constantFrom(undefined, ...ENVS) }),
    fc.record({ role: fc.constant('product_manager' as const), env: fc.constantFrom(undefined, 'production') }),
    fc.record({ role: fc.constant('operator' as const), env: fc.constantFrom(undefined, ...ENVS) }),
    fc.record({
      role: fc.constant('admin' as const),
      env: fc.constantFrom(undefined, 'production'),
      tenant: fc.constantFrom(...TENANTS),
    }),
  )
  .map((b) => {
    const binding: RoleBinding = { subject: ACTOR, role: b.role };
    if (b.env !== undefined) binding.env = b.env;
    if ('tenant' in b && b.tenant !== undefined) binding.tenant = b.tenant;
    return binding;
  });
const bindingsArb = fc.array(bindingArb, { minLength: 1, maxLength: 3 });

type Where = { env?: string; all?: boolean; tenant?: string };
const whereArb = (allowAll: boolean, allowTenant: boolean): fc.Arbitrary<Where> =>
  fc
    .record({
      env: fc.constantFrom(...ENVS),
      all: allowAll ? fc.boolean() : fc.constant(false),
      tenant: allowTenant ? fc.constantFrom(undefined, ...TENANTS) : fc.constant(undefined),
    })
    .map((w) => (w.all ? { all: true, tenant: w.tenant } : { env: w.env, tenant: w.tenant }));

const commandArb = (flag: FlagDocument): fc.Arbitrary<PlannableCommand> => {
  const ids = flag.variations.map((v) => v.id);
  const key = flag.key;
  const variation = fc.constantFrom(...ids);
  const drop = <T extends object>(o: T): T =>
    Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
  return fc.oneof(
    fc
      .tuple(fc.constantFrom('flag.on' as const, 'flag.off' as const), whereArb(false, true))
      .map(([name, w]) => drop({ name, key, env: w.env!, tenant: w.tenant })),
    fc
      .tuple(variation, whereArb(false, true))
      .map(([v, w]) => drop({ name: 'flag.serve' as const, key, variation: v, env: w.env!, tenant: w.tenant })),
    whereArb(true, true).map((w) =>
      drop({ name: 'flag.kill' as const, key, env: w.env, all: w.all ?? false, tenant: w.tenant, reason: 'generated' }),
    ),
    fc
      .tuple(
        variation,
        fc.constantFrom(...USERS),
        whereArb(true, false),
        fc.option(fc.constant(3_600_000), { nil: undefined }),
      )
      .map(([v, user, w, ttlMs]) =>
        drop({ name: 'flag.override' as const, key, variation: v, user, env: w.env, all: w.all, ttlMs }),
      ),
    fc.tuple(variation, fc.constantFrom('gold', 'silver'), fc.constantFrom(...ENVS)).map(([serve, plan, env]) => ({
      name: 'flag.rule.add' as const,
      key,
      env,
      condition: { plan: { eq: plan } },
      serve,
    })),
    fc
      .tuple(fc.constantFrom(...ENVS), fc.constantFrom('r1', 'r2'))
      .map(([env, ruleId]) => ({ name: 'flag.rule.remove' as const, key, env, ruleId })),
  );
};

const caseArb = flagArb.chain((flag) =>
  fc.record({ flag: fc.constant(flag), bindings: bindingsArb, command: commandArb(flag) }),
);

/** What the pipeline of the activities does, purely: plan, judge on the diff, classify. Undefined when the command is refused as input. */
function judge(
  flag: FlagDocument,
  bindings: RoleBinding[],
  command: PlannableCommand,
): { class: ChangeClass; reasons: string[]; after: FlagDocument } | undefined {
  let plan;
  try {
    plan = planChange(command, { current: flag, version: 1, environments: ENVS, now: NOW });
  } catch (err) {
    if (err instanceof SwitchyardError) return undefined;
    throw err;
  }
  const typed = changeRequestOf(command, { actor: ACTOR, flagKind: flag.kind })!;
  const { request } = judgedOnDiff(plan, typed, flag, ENVS);
  const { class: cls, reasons } = classify(request, { policy: TEST_POLICY, bindings, actor: ACTOR, currentFlag: flag });
  return { class: cls, reasons, after: plan.target!.document as FlagDocument };
}

/**
 * What a context is served: the value and variant (or the error). Not the reason: a tenant's kill
 * turns the other contexts' STATIC into DEFAULT (something could now vary the answer), which tells
 * nobody anything different.
 */
const served = (r: EvaluationResult) => JSON.stringify(r.ok ? [r.value, r.variant] : [r.errorCode]);
const same = (a: EvaluationResult, b: EvaluationResult) => served(a) === served(b);

/** The role scopes of docs/design.md#roles, restated here rather than imported: which environment (and tenant) one binding covers. */
function covers(binding: RoleBinding, env: string, tenant: string | undefined): boolean {
  if (binding.role === 'admin')
    return (
      binding.tenant !== undefined && binding.tenant === tenant && (binding.env === undefined || binding.env === env)
    );
  if (binding.tenant !== undefined && binding.tenant !== tenant) return false;
  if (binding.env !== undefined) return binding.env === env;
  if (binding.role === 'developer') return !PRODUCTION.includes(env);
  if (binding.role === 'product_manager') return PRODUCTION.includes(env);
  return true;
}

describe('authorizing the diff (properties)', () => {
  it("(a) a standard change reaches no environment or tenant outside the actor's roles", () => {
    let standardChanges = 0;
    fc.assert(
      fc.property(caseArb, ({ flag, bindings, command }) => {
        const judged = judge(flag, bindings, command);
        fc.pre(judged !== undefined);
        if (judged!.class !== 'standard') return;
        standardChanges++;
        for (const env of ENVS) {
          const before = compileFlag(flag, env, { now: () => NOW.getTime() });
          const after = compileFlag(judged!.after, env, { now: () => NOW.getTime() });
          const differing = CONTEXTS.filter((c) => !same(before({ ...c, env }), after({ ...c, env })));
          if (differing.length === 0) continue;
          const tenants = new Set(differing.map((c) => (c.tenant as { id: string } | undefined)?.id));
          // A difference for a context without a tenant reaches the whole environment.
          const needed = tenants.has(undefined) ? [undefined] : [...tenants];
          for (const tenant of needed) {
            const held = bindings.some((b) => covers(b, env, tenant));
            expect(
              held,
              `${command.name} served differently in ${env}${tenant ? ` for tenant ${tenant}` : ''} but was standard for ${JSON.stringify(bindings)}`,
            ).toBe(true);
          }
        }
      }),
      params,
    );
    // The property must have been exercised, not vacuously true.
    expect(standardChanges).toBeGreaterThan(RUNS / 10);
  });

  it('(d) adding environments to a kill or an override never makes it less risky', () => {
    const narrowArb = flagArb.chain((flag) =>
      fc.record({
        flag: fc.constant(flag),
        bindings: bindingsArb,
        env: fc.constantFrom(...ENVS),
        tenant: fc.constantFrom(undefined, ...TENANTS),
        variation: fc.constantFrom(...flag.variations.map((v) => v.id)),
        user: fc.constantFrom(...USERS),
        kill: fc.boolean(),
      }),
    );
    fc.assert(
      fc.property(narrowArb, ({ flag, bindings, env, tenant, variation, user, kill }) => {
        const key = flag.key;
        const [one, every]: PlannableCommand[] = kill
          ? [
              { name: 'flag.kill', key, env, all: false, ...(tenant ? { tenant } : {}), reason: 'r' },
              { name: 'flag.kill', key, all: true, ...(tenant ? { tenant } : {}), reason: 'r' },
            ]
          : [
              { name: 'flag.override', key, variation, user, env },
              { name: 'flag.override', key, variation, user, all: true },
            ];
        const narrow = judge(flag, bindings, one!);
        const wide = judge(flag, bindings, every!);
        fc.pre(narrow !== undefined && wide !== undefined);
        expect(
          CLASS_ORDER.indexOf(wide!.class),
          `${one!.name} in ${env} was ${narrow!.class}, everywhere ${wide!.class}`,
        ).toBeGreaterThanOrEqual(CLASS_ORDER.indexOf(narrow!.class));
      }),
      params,
    );
  });
});
