import { describe, expect, it } from 'vitest';
import { planChange, revertPlan, type PlanContext, type PlannableCommand } from './change/plan/index.js';
import { configEntrySchema, type ConfigEntry } from './model/config-entry.js';
import type { FlagDocument } from './model/flag.js';
import { validateFlag } from './model/validate-flag.js';
import { touchedByPlan, touchedScopes } from './touched-scopes.js';

const now = new Date('2026-11-24T12:00:00Z');
const environments = ['dev', 'staging', 'production'];

const prec = validateFlag(
  {
    key: 'prec',
    kind: 'release',
    owner: 'payments',
    description: 'precedence',
    expiry: '2026-12-20',
    variations: [
      { id: 'on', value: true },
      { id: 'off', value: false },
    ],
    default: 'off',
    environments: { production: { serve: { serve: 'on' }, tenantOverrides: { acme: 'off' } } },
  },
  { now },
).flag;

const ctx = (current: PlanContext['current']): PlanContext => ({ current, version: 3, environments, now });
const touchedBy = (command: PlannableCommand, current: FlagDocument | ConfigEntry | null = prec) => {
  const plan = planChange(command, ctx(current));
  return touchedByPlan(plan, current, environments);
};

describe('what a change touches, read from its documents', () => {
  it('an override with --env staging touches staging only', () => {
    expect(
      touchedBy({
        name: 'flag.override',
        key: 'prec',
        variation: 'on',
        user: 'user-9',
        env: 'staging',
        ttlMs: 3_600_000,
      }),
    ).toEqual({
      units: [{ env: 'staging' }],
      environments: ['staging'],
      tenants: [],
    });
  });

  it('an override with --all and a kill with --all touch every environment, in risk order', () => {
    expect(
      touchedBy({ name: 'flag.override', key: 'prec', variation: 'on', user: 'user-9', all: true })?.environments,
    ).toEqual(environments);
    expect(touchedBy({ name: 'flag.kill', key: 'prec', all: true, reason: 'r' })?.units).toEqual([
      { env: 'dev' },
      { env: 'staging' },
      { env: 'production' },
    ]);
  });

  it('a kill --all leaves out an environment that is already killed: nothing changes there', () => {
    const killed = planChange({ name: 'flag.kill', key: 'prec', env: 'production', all: false, reason: 'r' }, ctx(prec))
      .target!.document as FlagDocument;
    expect(touchedBy({ name: 'flag.kill', key: 'prec', all: true, reason: 'r' }, killed)?.environments).toEqual([
      'dev',
      'staging',
    ]);
  });

  it('a tenant kill or a tenant serve touches that tenant in that environment, not the environment', () => {
    expect(
      touchedBy({ name: 'flag.kill', key: 'prec', env: 'production', all: false, tenant: 'globex', reason: 'r' }),
    ).toEqual({
      units: [{ env: 'production', tenant: 'globex' }],
      environments: ['production'],
      tenants: ['globex'],
    });
    expect(touchedBy({ name: 'flag.on', key: 'prec', env: 'production', tenant: 'acme' })?.units).toEqual([
      { env: 'production', tenant: 'acme' },
    ]);
  });

  it('a change of a global field of a flag touches every environment', () => {
    const withRule: FlagDocument = {
      ...prec,
      rules: [{ id: 'g1', priority: 1, condition: { plan: { eq: 'gold' } }, action: { serve: 'on' } }],
    };
    expect(touchedScopes(prec, withRule, environments).environments).toEqual(environments);
    expect(touchedScopes(prec, { ...prec, default: 'on' }, environments).environments).toEqual(environments);
  });

  it('a new flag whose default is its off variation touches nothing; any other default touches every environment', () => {
    const create = (rest: object) =>
      touchedBy(
        {
          name: 'flag.create',
          key: 'fresh',
          kind: 'ops',
          owner: 'sre',
          description: 'new',
          type: 'boolean',
          ...rest,
        },
        null,
      );
    expect(create({ default: 'off' })?.units).toEqual([]);
    // An ops flag is on by default, and so is a permission flag created --default on: served at once everywhere.
    expect(create({})?.environments).toEqual(environments);
    expect(create({ kind: 'permission', default: 'on' })?.units).toEqual(environments.map((env) => ({ env })));
  });

  it('a new flag born with an environment state touches that environment', () => {
    const born = {
      ...prec,
      key: 'born',
      default: 'off',
      environments: { staging: { killed: true, killedTenants: [], userOverrides: {}, tenantOverrides: {}, rules: [] } },
    };
    expect(touchedScopes(undefined, born, environments).environments).toEqual(['staging']);
  });

  it('a global config value touches every environment, an environment value its environment, a tenant value that tenant', () => {
    const timeout = configEntrySchema.parse({ key: 'timeout', valueType: 'duration', value: '5s' });
    const set = (rest: Partial<Extract<PlannableCommand, { name: 'config.set' }>>) =>
      touchedBy({ name: 'config.set', key: 'timeout', rawValue: '9s', value: '9s', reason: 'r', ...rest }, timeout);
    expect(set({})?.environments).toEqual(environments);
    expect(set({ env: 'production' })?.units).toEqual([{ env: 'production' }]);
    expect(set({ env: 'production', tenant: 'acme' })?.units).toEqual([{ env: 'production', tenant: 'acme' }]);
    expect(set({ tenant: 'acme' })?.units).toEqual(environments.map((env) => ({ env, tenant: 'acme' })));
    // A user's value reaches whoever that user is in the environment, tenant or not.
    expect(set({ env: 'staging', user: 'u1' })?.units).toEqual([{ env: 'staging' }]);
    // Created with a value: served at once, so it counts where it applies.
    expect(
      touchedBy({ name: 'config.set', key: 'brand-new', rawValue: '1', value: 1, type: 'int', reason: 'r' }, null)
        ?.environments,
    ).toEqual(environments);
  });

  it('a rollout touches its environment; a role change keeps its own rule', () => {
    expect(touchedBy({ name: 'flag.rollout', key: 'prec', variation: 'on', env: 'staging' })?.units).toEqual([
      { env: 'staging' },
    ]);
    expect(
      touchedBy({ name: 'change.role.grant', subject: 'U1', role: 'developer', reason: 'r' }, null),
    ).toBeUndefined();
  });

  it('a revert touches what undoing the change differs in now', () => {
    const killed = planChange({ name: 'flag.kill', key: 'prec', all: true, reason: 'r' }, ctx(prec)).target!
      .document as FlagDocument;
    const plan = revertPlan(
      {
        id: 'c1',
        kind: 'flag',
        key: 'prec',
        firstVersion: 4,
        lastVersion: 4,
        before: prec,
        actions: ['flag.kill'],
        environments: [],
        tenants: [],
      },
      { current: killed, version: 4, environments, now },
    );
    expect(touchedByPlan(plan, killed, environments)?.environments).toEqual(environments);
  });
});
