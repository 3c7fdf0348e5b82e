import { describe, expect, it } from 'vitest';
import { validateFlag } from '../core/model/validate-flag.js';
import { createLogger } from '../storage/logger.js';
import { fakeActivityStores } from '../test/fake-stores/index.js';
import { createActivities } from './index.js';
import { staleFlagsOf } from './stale-flags.js';

const settings = {
  ENVIRONMENTS: ['dev', 'staging', 'production'],
  PROMETHEUS_URL: undefined,
  INCIDENT_WEBHOOK_URL: undefined,
};
const DAY = 86_400_000;

function flag(key: string, extra: Record<string, unknown> = {}) {
  const expiry = new Date(Date.now() + 30 * DAY).toISOString().slice(0, 10);
  return validateFlag({
    key,
    description: 'test flag',
    owner: 'team-test',
    kind: 'release',
    expiry,
    variations: [
      { id: 'on', value: true },
      { id: 'off', value: false },
    ],
    default: 'off',
    ...extra,
  }).flag;
}

function setup(cohorts: Record<string, string[]> = {}) {
  const stores = fakeActivityStores(cohorts);
  return {
    stores,
    activities: createActivities({
      stores,
      log: createLogger('silent'),
      notifier: { deliver: async () => {} },
      settings,
    }),
  };
}

const step = {
  flagKey: 'checkout',
  env: 'production',
  action: 'flag.rollout.stage',
  onBehalfOf: 'U_DEV',
  requestId: 'ro1',
};

describe('a flag step written by the system', () => {
  it('kills the flag in one environment as system, on behalf of the requester, once per change id', async () => {
    const { stores, activities } = setup();
    await stores.entries.apply({
      changeId: 'seed',
      actor: 'test',
      action: 'flag.create',
      target: { kind: 'flag', key: 'checkout', document: flag('checkout') },
      expectedVersion: 0,
    });
    const input = { ...step, changeId: 'guardrail-1', step: { type: 'kill' as const }, action: 'flag.auto-disable' };
    expect(await activities.applyFlagStep(input)).toEqual({ version: 2, applied: true, guardrail: null });
    expect(await activities.applyFlagStep(input)).toEqual({ version: 2, applied: false, guardrail: null });
    expect((await stores.entries.latest('flag', 'checkout'))?.document).toMatchObject({
      environments: { production: { killed: true } },
    });
    expect(stores.audit.rows.at(-1)).toMatchObject({
      actor: 'system',
      onBehalfOf: 'U_DEV',
      action: 'flag.auto-disable',
      environment: 'production',
    });
  });

  it("reports the flag's guardrail with the step, so a rollout bakes on it without reading the flag again", async () => {
    const { stores, activities } = setup();
    const auto_disable = { metric: 'error_rate', threshold: 0.05, window: '5m' };
    await stores.entries.apply({
      changeId: 'seed',
      actor: 'test',
      action: 'flag.create',
      target: { kind: 'flag', key: 'checkout', document: flag('checkout', { guardrails: { auto_disable } }) },
      expectedVersion: 0,
    });
    const written = await activities.applyFlagStep({
      ...step,
      changeId: 's1',
      step: { type: 'percent', variation: 'on', percent: 5 },
    });
    expect(written).toMatchObject({ applied: true, guardrail: auto_disable });
  });

  it('refuses a step on a flag that does not exist, naming it', async () => {
    const { activities } = setup();
    await expect(
      activities.applyFlagStep({ ...step, changeId: 's1', step: { type: 'percent', variation: 'on', percent: 5 } }),
    ).rejects.toThrow('there is no flag `checkout`');
  });

  it('names an unknown cohort instead of stepping through nobody', async () => {
    const { activities } = setup({ beta: ['t1', 't2'] });
    expect(await activities.cohortTenants({ cohorts: ['beta'] })).toEqual({ beta: ['t1', 't2'] });
    await expect(activities.cohortTenants({ cohorts: ['beta', 'gamma'] })).rejects.toThrow('unknown cohort(s): gamma');
  });
});

describe('stale flags', () => {
  const now = new Date('2026-11-24T00:00:00Z');
  it('lists a flag past its expiry as expired and one older than the age limit as old, and leaves a young one out', () => {
    const expired = {
      key: 'a',
      document: { ...flag('a'), expiry: '2026-11-01' },
      firstCreatedAt: new Date(now.getTime() - DAY),
    };
    const old = {
      key: 'b',
      document: { ...flag('b'), expiry: '2027-06-01' },
      firstCreatedAt: new Date(now.getTime() - 100 * DAY),
    };
    const young = {
      key: 'c',
      document: { ...flag('c'), expiry: '2027-06-01' },
      firstCreatedAt: new Date(now.getTime() - 10 * DAY),
    };
    expect(staleFlagsOf([expired, old, young], 90, now).map((f) => [f.key, f.why])).toEqual([
      ['a', 'expired'],
      ['b', 'old'],
    ]);
  });
});
