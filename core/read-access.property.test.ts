import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ConfigEntry } from './model/config-entry.js';
import type { EnvironmentState, FlagDocument } from './model/flag.js';
import { policyOf, type Policy } from './policy.js';
import type { RoleBinding } from './rbac.js';
import { readableAuditRows, readScope, redactConfig, redactFlag } from './read-access.js';

/**
 * What a reader's bindings do not cover never survives redaction, and what they cover always does,
 * over generated deployments (environment names and production sets of their own, not only
 * `production`), bindings of every readable role with random narrowing, flag documents, config
 * entries and audit rows across environments and tenants. The expectation is worked out here from
 * the roles table of docs/design.md#roles, not from core/role-reach.ts.
 * Seeded: a failure prints its seed and path; replay with FC_SEED=<seed>.
 */
const SEED = Number(process.env.FC_SEED ?? 20_261_208);
const RUNS = Number(process.env.FC_RUNS ?? 300);
const params = { seed: SEED, numRuns: RUNS };
const READER = 'U_READER';
const READ_ROLES = ['viewer', 'oncall', 'admin', 'developer', 'product_manager', 'operator'] as const;

interface World {
  policy: Policy;
  tenants: string[];
  users: string[];
  bindings: RoleBinding[];
}

const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,7}$/);

const worldArb: fc.Arbitrary<World> = fc
  .record({
    envs: fc.uniqueArray(name, { minLength: 1, maxLength: 5 }),
    tenants: fc.uniqueArray(name, { minLength: 1, maxLength: 4 }),
    users: fc.uniqueArray(
      name.map((n) => `user-${n}`),
      { minLength: 1, maxLength: 3 },
    ),
    production: fc.oneof(fc.nat(), fc.array(fc.boolean(), { minLength: 5, maxLength: 5 })),
    picks: fc.array(
      fc.record({
        role: fc.constantFrom(...READ_ROLES),
        env: fc.option(fc.nat(), { nil: undefined }),
        tenant: fc.option(fc.nat(), { nil: undefined }),
        someoneElse: fc.boolean(),
      }),
      { maxLength: 5 },
    ),
  })
  .map(({ envs, tenants, users, production, picks }) => {
    // A non-empty suffix (the usual "the last ones are production") or any non-empty subset.
    const picked = typeof production === 'number' ? [] : envs.filter((_, i) => production[i]);
    const prod =
      typeof production === 'number'
        ? envs.slice(envs.length - 1 - (production % envs.length))
        : picked.length
          ? picked
          : [envs[0]!];
    const policy = policyOf({ ENVIRONMENTS: envs, PRODUCTION_ENVIRONMENTS: prod });
    const lower = envs.filter((e) => !prod.includes(e));
    const bindings = picks.map(({ role, env, tenant, someoneElse }): RoleBinding => {
      // As grants allow them (core/role-scope.ts): on call names its environment, an admin its tenant, a
      // developer only a lower environment, a product manager only a production one.
      const from = role === 'developer' ? lower : role === 'product_manager' ? prod : envs;
      const e =
        role === 'oncall'
          ? envs[(env ?? 0) % envs.length]
          : env === undefined || !from.length
            ? undefined
            : from[env % from.length];
      const t =
        role === 'admin'
          ? tenants[(tenant ?? 0) % tenants.length]
          : tenant === undefined
            ? undefined
            : tenants[tenant % tenants.length];
      return { subject: someoneElse ? 'U_OTHER' : READER, role, ...(e ? { env: e } : {}), ...(t ? { tenant: t } : {}) };
    });
    return { policy, tenants, users, bindings };
  });

/** Where a binding reaches, from the roles table: an explicit environment, else the role's own reach. */
function reaches(b: RoleBinding, env: string, policy: Policy): boolean {
  if (b.env !== undefined) return b.env === env;
  const prod = policy.production.includes(env);
  if (b.role === 'developer') return !prod;
  if (b.role === 'product_manager') return prod;
  if (b.role === 'oncall') return false;
  return true;
}
const mine = (w: World) => w.bindings.filter((b) => b.subject === READER);
/** The reader covers `tenant`'s data (undefined: env-wide data) in `env`. */
const covers = (w: World, env: string, tenant?: string) =>
  mine(w).some((b) => reaches(b, env, w.policy) && (b.tenant === undefined || b.tenant === tenant));
const coversAny = (w: World, env: string) => mine(w).some((b) => reaches(b, env, w.policy));
const coversEverywhere = (w: World, tenant?: string) =>
  mine(w).some(
    (b) =>
      w.policy.environments.every((e) => reaches(b, e, w.policy)) && (b.tenant === undefined || b.tenant === tenant),
  );

const subset = <T>(items: readonly T[]) => fc.subarray([...items]);

function flagArb(w: World): fc.Arbitrary<FlagDocument> {
  const stateArb = fc
    .record({
      killed: fc.boolean(),
      killedTenants: subset(w.tenants),
      overridden: subset(w.tenants),
      users: subset(w.users),
    })
    .map(({ killed, killedTenants, overridden, users }): EnvironmentState => ({
      killed,
      killedTenants,
      tenantOverrides: Object.fromEntries(overridden.map((t) => [t, 'on'])),
      userOverrides: Object.fromEntries(users.map((u) => [u, { variation: 'off' }])),
      rules: [],
      serve: { serve: 'on' },
    }));
  return fc
    .record({ envs: subset(w.policy.environments), states: fc.array(stateArb, { minLength: 5, maxLength: 5 }) })
    .map(
      ({ envs, states }) =>
        ({
          key: 'generated',
          description: 'generated',
          owner: 'test',
          variations: [
            { id: 'on', value: true },
            { id: 'off', value: false },
          ],
          default: 'off',
          rules: [],
          environments: Object.fromEntries(envs.map((e, i) => [e, states[i]!])),
        }) as unknown as FlagDocument,
    );
}

interface Row {
  seq: number;
  environment?: string;
  tenant?: string;
  detail: Record<string, unknown>;
}

function rowsArb(w: World): fc.Arbitrary<Row[]> {
  const row = fc.record({
    env: fc.option(fc.constantFrom(...w.policy.environments), { nil: undefined }),
    tenant: fc.option(fc.constantFrom(...w.tenants), { nil: undefined }),
    touched: subset(w.policy.environments),
  });
  return fc.array(row, { maxLength: 8 }).map((rows) =>
    rows.map(({ env, tenant, touched }, seq) => ({
      seq,
      ...(env ? { environment: env } : {}),
      ...(tenant ? { tenant } : {}),
      // A change of several environments names them in its detail, not in the environment column.
      detail: env || touched.length < 2 ? {} : { touched: { environments: touched, tenants: [] } },
    })),
  );
}

/** The places a row reached, read off how the row was generated. */
const placesOf = (row: Row): Array<string | undefined> => {
  const touched = (row.detail.touched as { environments: string[] } | undefined)?.environments;
  return row.environment ? [row.environment] : (touched ?? [undefined]);
};

function configArb(w: World): fc.Arbitrary<ConfigEntry> {
  const scope = fc.record({
    env: fc.option(fc.constantFrom(...w.policy.environments), { nil: undefined }),
    tenant: fc.option(fc.constantFrom(...w.tenants), { nil: undefined }),
    user: fc.option(fc.constantFrom(...w.users), { nil: undefined }),
    value: fc.integer(),
  });
  return fc.array(scope, { maxLength: 8 }).map(
    (scopes) =>
      ({
        key: 'generated',
        type: 'config',
        valueType: 'int',
        description: '',
        owner: 'test',
        secret: false,
        value: 1,
        scopes: scopes.map((s) => Object.fromEntries(Object.entries(s).filter(([, v]) => v !== undefined))),
      }) as ConfigEntry,
  );
}

const withWorld = <T>(make: (w: World) => fc.Arbitrary<T>) =>
  worldArb.chain((w) => make(w).map((thing) => ({ w, thing })));

describe('redaction leaves exactly what the bindings cover', () => {
  it('a flag keeps each environment, tenant override, tenant kill and user override the reader covers, and nothing else', () => {
    fc.assert(
      fc.property(withWorld(flagArb), ({ w, thing: flag }) => {
        const seen = redactFlag(readScope(w.policy, w.bindings, READER), flag);
        for (const [env, state] of Object.entries(flag.environments)) {
          const shown = seen.environments[env];
          expect(shown !== undefined, `environment ${env}`).toBe(coversAny(w, env));
          if (!shown) continue;
          const tenantsCovered = (ts: string[]) => ts.filter((t) => covers(w, env, t));
          expect(Object.keys(shown.tenantOverrides).sort()).toEqual(
            tenantsCovered(Object.keys(state.tenantOverrides)).sort(),
          );
          expect([...shown.killedTenants].sort()).toEqual(tenantsCovered(state.killedTenants).sort());
          expect(shown.userOverrides).toEqual(covers(w, env) ? state.userOverrides : {});
          expect({ killed: shown.killed, serve: shown.serve }).toEqual({ killed: state.killed, serve: state.serve });
        }
        expect(Object.keys(seen.environments).every((env) => env in flag.environments)).toBe(true);
      }),
      params,
    );
  });

  it('audit rows are kept exactly when the reader covers every place they name', () => {
    fc.assert(
      fc.property(withWorld(rowsArb), ({ w, thing: rows }) => {
        const kept = readableAuditRows(readScope(w.policy, w.bindings, READER), rows).map((r) => r.seq);
        const expected = rows
          .filter((row) =>
            placesOf(row).every((env) =>
              env === undefined ? coversEverywhere(w, row.tenant) : covers(w, env, row.tenant),
            ),
          )
          .map((r) => r.seq);
        expect(kept).toEqual(expected);
      }),
      params,
    );
  });

  it('a config entry keeps exactly the scoped values the reader covers, and its global value for a reader of every environment', () => {
    fc.assert(
      fc.property(withWorld(configArb), ({ w, thing: entry }) => {
        const seen = redactConfig(readScope(w.policy, w.bindings, READER), entry);
        const coversValue = (s: ConfigEntry['scopes'][number]) => {
          const tenant = s.user === undefined ? s.tenant : undefined;
          if (s.env === undefined) return coversEverywhere(w, tenant) && coversEverywhere(w, s.tenant);
          return covers(w, s.env, tenant) && covers(w, s.env, s.tenant);
        };
        expect(seen.scopes).toEqual(entry.scopes.filter(coversValue));
        expect(seen.value).toEqual(coversEverywhere(w) ? entry.value : undefined);
      }),
      params,
    );
  });

  it('someone with no binding of their own sees no environment, row, scoped value or global value', () => {
    fc.assert(
      fc.property(
        worldArb.chain((w) => fc.tuple(flagArb(w), rowsArb(w), configArb(w)).map((t) => ({ w, t }))),
        ({ w, t: [flag, rows, entry] }) => {
          const nobody = readScope(w.policy, w.bindings, 'U_NOBODY');
          expect(redactFlag(nobody, flag).environments).toEqual({});
          expect(readableAuditRows(nobody, rows)).toEqual([]);
          expect(redactConfig(nobody, entry)).toMatchObject({ scopes: [] });
          expect(redactConfig(nobody, entry).value).toBeUndefined();
        },
      ),
      params,
    );
  });
});
