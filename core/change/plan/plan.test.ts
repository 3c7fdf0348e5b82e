import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { planChange, revertPlan, type PlanContext, type PlannableCommand } from './index.js';
import { ValidationError } from '../../errors.js';
import { configEntrySchema, type ConfigEntry } from '../../model/config-entry.js';
import { sealSecret } from '../../secrets/envelope.js';
import { validateFlag } from '../../model/validate-flag.js';

const now = new Date('2026-11-24T12:00:00Z');
const environments = ['dev', 'staging', 'production'];

const checkout = validateFlag(
  {
    key: 'checkout-v2',
    kind: 'release',
    owner: 'payments',
    description: 'new checkout',
    expiry: '2026-12-20',
    variations: [
      { id: 'on', value: true },
      { id: 'off', value: false },
    ],
    default: 'off',
    environments: { production: { serve: { rollout: { on: 25, off: 75 } } } },
  },
  { now },
).flag;

const ctx = (current: PlanContext['current'], version = 3): PlanContext => ({ current, version, environments, now });
const plan = (command: PlannableCommand, current: PlanContext['current'] = checkout, version = 3) =>
  planChange(command, ctx(current, version));

describe('planChange', () => {
  it('turns a flag on in one environment, carrying the version it was planned against and an old → new summary', () => {
    const p = plan({ name: 'flag.on', key: 'checkout-v2', env: 'staging' });
    expect(p.expectedVersion).toBe(3);
    expect(p.envs).toEqual(['staging']);
    expect(p.target?.kind === 'flag' && p.target.document.environments.staging?.serve).toEqual({ serve: 'on' });
    expect(p.summary).toBe('checkout-v2 in staging: default (off) → on');
  });

  it('describes a split before the change', () => {
    expect(plan({ name: 'flag.off', key: 'checkout-v2', env: 'production' }).summary).toBe(
      'checkout-v2 in production: on 25 % / off 75 % → off',
    );
  });

  it('lifts a kill when the flag is turned on again', () => {
    const killed = plan({ name: 'flag.kill', key: 'checkout-v2', env: 'production', all: false, reason: 'INC-1' });
    const flag = killed.target!.document as typeof checkout;
    const on = plan({ name: 'flag.on', key: 'checkout-v2', env: 'production' }, flag, 4);
    expect((on.target!.document as typeof checkout).environments.production?.killed).toBe(false);
  });

  it('kills everywhere with --all', () => {
    const p = plan({ name: 'flag.kill', key: 'checkout-v2', all: true, reason: 'INC-2' });
    expect(p.envs).toEqual(environments);
    expect(environments.every((e) => (p.target!.document as typeof checkout).environments[e]?.killed)).toBe(true);
  });

  it('pins a user in the one environment named, or in every one with --all, and says so', () => {
    const staging = plan({
      name: 'flag.override',
      key: 'checkout-v2',
      variation: 'on',
      user: 'user-9',
      env: 'staging',
      ttlMs: 3_600_000,
    });
    const doc = staging.target!.document as typeof checkout;
    expect(Object.keys(doc.environments).filter((e) => Object.keys(doc.environments[e]!.userOverrides).length)).toEqual(
      ['staging'],
    );
    expect(doc.environments.production?.userOverrides).toEqual({});
    expect(staging.summary).toContain(
      'in staging: default (off) → default (off), users user-9→on until 2026-11-24T13:00:00.000Z',
    );
    const all = plan({ name: 'flag.override', key: 'checkout-v2', variation: 'on', user: 'user-9', all: true });
    expect(
      environments.every((e) => (all.target!.document as typeof checkout).environments[e]?.userOverrides['user-9']),
    ).toBe(true);
    expect(() => plan({ name: 'flag.override', key: 'checkout-v2', variation: 'on', user: 'user-9' })).toThrow(
      'flag override needs --env <env> (one environment) or --all (every environment)',
    );
  });

  it('refuses a change that changes nothing, and says what the flag already does', () => {
    expect(() => plan({ name: 'flag.off', key: 'checkout-v2', env: 'dev' })).not.toThrow();
    const off = plan({ name: 'flag.off', key: 'checkout-v2', env: 'dev' }).target!.document as typeof checkout;
    expect(() => plan({ name: 'flag.off', key: 'checkout-v2', env: 'dev' }, off, 4)).toThrow(
      /already is off in dev: nothing to change/,
    );
  });

  it('names the environments when --env is unknown, and the flag when it does not exist', () => {
    expect(() => plan({ name: 'flag.on', key: 'checkout-v2', env: 'prod' })).toThrow(
      '--env must be one of dev, staging, production (got `prod`)',
    );
    expect(() => plan({ name: 'flag.on', key: 'nope', env: 'dev' }, null, 0)).toThrow(/there is no flag `nope`/);
  });

  it("plans a rollout without writing anything, from the variation's current share", () => {
    const p = plan({ name: 'flag.rollout', key: 'checkout-v2', variation: 'on', env: 'production', bakeMs: 60_000 });
    expect(p.target).toBeUndefined();
    expect(p.rollout).toEqual({
      variation: 'on',
      env: 'production',
      stages: [1, 5, 25, 50, 100],
      cohorts: undefined,
      bakeMs: 60_000,
      fromPercent: 25,
    });
    expect(() =>
      plan({ name: 'flag.rollout', key: 'checkout-v2', variation: 'on', env: 'production', stages: [50, 25] }),
    ).toThrow('--stages must rise at every stage (got 50,25)');
    expect(() => plan({ name: 'flag.rollout', key: 'checkout-v2', variation: 'beta', env: 'production' })).toThrow(
      /no variation "beta"/,
    );
  });

  it('creates a flag at version 0 with the create-time rules (expiry within 90 days)', () => {
    const p = plan(
      {
        name: 'flag.create',
        key: 'new-flag',
        kind: 'release',
        owner: 'web',
        description: 'd',
        type: 'boolean',
        expiry: '2026-12-31',
      },
      null,
      0,
    );
    expect(p.expectedVersion).toBe(0);
    expect(p.target?.document).toMatchObject({ key: 'new-flag', default: 'off', createdAt: now.toISOString() });
    expect(() =>
      plan(
        {
          name: 'flag.create',
          key: 'far',
          kind: 'release',
          owner: 'web',
          description: 'd',
          type: 'boolean',
          expiry: '2027-12-31',
        },
        null,
        0,
      ),
    ).toThrow(ValidationError);
    expect(() =>
      plan({ name: 'flag.create', key: 'checkout-v2', kind: 'ops', owner: 'web', description: 'd', type: 'boolean' }),
    ).toThrow(/already exists/);
  });

  it('adds and removes a rule in one environment', () => {
    const added = plan({
      name: 'flag.rule.add',
      key: 'checkout-v2',
      env: 'staging',
      condition: { 'user.email': { endsWith: '@example.com' } },
      serve: 'on',
    });
    const flag = added.target!.document as typeof checkout;
    expect(flag.environments.staging?.rules).toEqual([
      { id: 'r1', priority: 1, condition: { 'user.email': { endsWith: '@example.com' } }, action: { serve: 'on' } },
    ]);
    const removed = plan({ name: 'flag.rule.remove', key: 'checkout-v2', env: 'staging', ruleId: 'r1' }, flag, 4);
    expect((removed.target!.document as typeof checkout).environments.staging?.rules).toEqual([]);
  });

  it('break-glass serves the asked variation and lifts a kill', () => {
    const p = plan({ name: 'flag.break-glass', key: 'checkout-v2', serve: 'off', env: 'production', reason: 'INC-9' });
    expect(p.action).toBe('flag.break-glass');
    expect((p.target!.document as typeof checkout).environments.production?.serve).toEqual({ serve: 'off' });
  });
});

describe('planChange for config', () => {
  const timeout = configEntrySchema.parse({ key: 'http.timeout', valueType: 'int', value: 30 });
  const set = (over: Partial<Extract<PlannableCommand, { name: 'config.set' }>>) =>
    ({
      name: 'config.set',
      key: 'http.timeout',
      rawValue: '45',
      value: '45',
      reason: 'slow upstream',
      ...over,
    }) as PlannableCommand;

  it('sets the global value, typed by the entry', () => {
    const p = plan(set({}), timeout, 2);
    expect(p.target?.document).toMatchObject({ value: 45 });
    expect(p.summary).toBe('http.timeout (global): 30 → 45');
    expect(p.envs).toEqual([]);
  });

  it('sets a scoped value beside the global one', () => {
    const p = plan(set({ env: 'production', tenant: 'acme' }), timeout, 2);
    expect(p.target?.document).toMatchObject({ value: 30, scopes: [{ env: 'production', tenant: 'acme', value: 45 }] });
  });

  it('says what a value must be', () => {
    expect(() => plan(set({ rawValue: '4.5' }), timeout, 2)).toThrow('http.timeout: `4.5` is not an integer');
    expect(() => plan(set({ type: 'string' }), timeout, 2)).toThrow('http.timeout is of type int, not string');
    expect(() => plan(set({}), null, 0)).toThrow(/give its --type/);
  });
});

describe('planChange for secrets', () => {
  const masterKey = randomBytes(32);
  const envelope = sealSecret(masterKey, 'hunter2-clear', { key: 'payments.api-key', env: 'production' });

  it('stores the sealed envelope as the environment value, and neither the plan nor its summary holds the clear value', () => {
    const p = plan({ name: 'config.secret.set', key: 'payments.api-key', env: 'production', envelope }, null, 0);
    expect(p.entryKind).toBe('secret');
    expect(p.target?.document).toMatchObject({ secret: true, scopes: [{ env: 'production', value: envelope }] });
    expect(JSON.stringify(p)).not.toContain('hunter2-clear');
    expect(p.summary).toBe('secret payments.api-key (env production): set (value sealed, not shown)');
    const again = plan(
      {
        name: 'config.secret.set',
        key: 'payments.api-key',
        env: 'production',
        envelope: sealSecret(masterKey, 'next', { key: 'payments.api-key', env: 'production' }),
      },
      p.target!.document as ConfigEntry,
      1,
    );
    expect(again.summary).toContain('replaced');
    expect((again.target!.document as ConfigEntry).scopes).toHaveLength(1);
  });

  it('refuses a secret without an envelope (typed into a command) and a plain config entry under the same key', () => {
    expect(() => plan({ name: 'config.secret.set', key: 'payments.api-key', env: 'production' }, null, 0)).toThrow(
      /typed into a dialog/,
    );
    const plain = configEntrySchema.parse({ key: 'payments.api-key', valueType: 'string', value: 'x' });
    expect(() =>
      plan({ name: 'config.secret.set', key: 'payments.api-key', env: 'production', envelope }, plain, 1),
    ).toThrow(/plain config entry/);
  });
});

describe('revertPlan', () => {
  const before = checkout;
  const source = {
    id: 'req-1',
    kind: 'flag' as const,
    key: 'checkout-v2',
    firstVersion: 4,
    lastVersion: 6,
    before,
    actions: ['flag.rollout.stage'],
    environments: ['production'],
    tenants: [],
  };

  it('writes the state before the change as a new version over the latest one', () => {
    const p = revertPlan(source, ctx({ ...checkout, description: 'later' }, 6));
    expect(p.expectedVersion).toBe(6);
    expect(p.target?.document).toBe(before);
    expect(p.action).toBe('change.revert');
    expect(p.summary).toBe(
      'revert req-1 (flag.rollout.stage in production): checkout-v2 back to version 3, as it was before',
    );
  });

  it('refuses while later changes sit on top, and for a change that created the entry', () => {
    expect(() => revertPlan(source, ctx(checkout, 7))).toThrow(
      /changed after `req-1` \(which left it at version 6; it is at version 7 now\)/,
    );
    expect(() =>
      revertPlan({ ...source, firstVersion: 1, lastVersion: 1, before: undefined }, ctx(checkout, 1)),
    ).toThrow(/created `checkout-v2`.*kill it instead/);
  });
});

describe('planChange for role bindings', () => {
  it('names the binding and its scope, and refuses an unknown environment', () => {
    const p = plan(
      { name: 'change.role.grant', subject: 'U9', role: 'operator', env: 'production', reason: 'on-call' },
      null,
      0,
    );
    expect(p).toMatchObject({
      kind: 'role',
      key: 'U9',
      action: 'role.grant',
      summary: 'grant operator (env production) to U9',
      role: { op: 'grant', subject: 'U9', role: 'operator', env: 'production' },
    });
    expect(() =>
      plan({ name: 'change.role.revoke', subject: 'U9', role: 'operator', env: 'prod', reason: 'x' }, null, 0),
    ).toThrow(/--env must be one of/);
  });
});
