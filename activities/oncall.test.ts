import { describe, expect, it } from 'vitest';
import { createLogger } from '../storage/logger.js';
import { validateFlag } from '../core/model/validate-flag.js';
import { fakeActivityStores, type FakeActivityStores } from '../test/fake-stores/index.js';
import { createActivities } from './index.js';

/** Who may break glass, and `/oncall add` as the role change it is, over in-memory stores. */
const settings = {
  ENVIRONMENTS: ['dev', 'staging', 'production'],
  PROMETHEUS_URL: undefined,
  INCIDENT_WEBHOOK_URL: undefined,
};
const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();

function setup(): { stores: FakeActivityStores; activities: ReturnType<typeof createActivities> } {
  const stores = fakeActivityStores();
  stores.roleBindings
    .give('U_OPS1', 'operator', { env: 'production' })
    .give('U_OPS2', 'operator', { env: 'production' })
    .give('U_ONCALL', 'operator', { env: 'production' })
    .give('U_ONCALL', 'oncall', { env: 'production', until: inAnHour() })
    .give('U_LAPSED', 'operator', { env: 'production' })
    .give('U_LAPSED', 'oncall', { env: 'production', until: '2020-01-01T00:00:00.000Z' })
    .give('U_STAGING', 'oncall', { env: 'staging' });
  const activities = createActivities({
    stores,
    log: createLogger('silent'),
    notifier: { deliver: async () => {} },
    settings,
  });
  return { stores, activities };
}

async function seedOpsFlag(stores: FakeActivityStores, key: string): Promise<void> {
  const { flag } = validateFlag({
    key,
    description: 'circuit breaker',
    owner: 'payments',
    kind: 'ops',
    variations: [
      { id: 'on', value: true },
      { id: 'off', value: false },
    ],
    default: 'on',
  });
  await stores.entries.apply({
    changeId: `seed-${key}`,
    actor: 'test-setup',
    action: 'flag.create',
    target: { kind: 'flag', key, document: flag },
    expectedVersion: 0,
  });
}

const breakGlass = (activities: ReturnType<typeof createActivities>, requester: string) =>
  activities.prepareChange({
    requestId: 'r1',
    requester,
    command: { name: 'flag.break-glass', key: 'payments', serve: 'off', env: 'production', reason: 'INC-7' },
    reason: 'INC-7',
  });

describe('break-glass', () => {
  it('is applied at once for someone on call in that environment', async () => {
    const { stores, activities } = setup();
    await seedOpsFlag(stores, 'payments');
    expect((await breakGlass(activities, 'U_ONCALL')).classification).toBe('emergency');
  });

  it('is refused to an operator of the environment who is not on call, naming /oncall list', async () => {
    const { stores, activities } = setup();
    await seedOpsFlag(stores, 'payments');
    await expect(breakGlass(activities, 'U_OPS1')).rejects.toMatchObject({ type: 'FORBIDDEN', nonRetryable: true });
    await expect(breakGlass(activities, 'U_OPS1')).rejects.toThrow(
      'U_OPS1 may not flag.break-glass payments in production: as operator: break-glass needs someone on call in production (see /oncall list)',
    );
  });

  it('is refused once the on-call binding has ended, and to someone on call elsewhere', async () => {
    const { stores, activities } = setup();
    await seedOpsFlag(stores, 'payments');
    await expect(breakGlass(activities, 'U_LAPSED')).rejects.toThrow(
      /U_LAPSED may not flag\.break-glass payments in production: .*break-glass needs someone on call in production \(see \/oncall list\)/,
    );
    await expect(breakGlass(activities, 'U_STAGING')).rejects.toThrow(
      /U_STAGING may not flag\.break-glass payments in production: oncall \(staging\) does not cover production/,
    );
  });
});

describe('/oncall add and remove', () => {
  it('is a role change: risky, with the rule that says why, and its end in the summary', async () => {
    const { activities } = setup();
    const until = inAnHour();
    const prepared = await activities.prepareChange({
      requestId: 'r2',
      requester: 'U_OPS1',
      command: { name: 'oncall.add', subject: 'U_NEW', env: 'production', until, reason: 'rotation' },
      reason: 'rotation',
    });
    expect(prepared.classification).toBe('risky');
    expect(prepared.riskReasons).toContain('role changes always need a second person (grants oncall)');
    expect(prepared.plan.summary).toBe(`grant oncall (env production, until ${until}) to U_NEW`);
    expect(prepared.plan.role).toEqual({ op: 'grant', subject: 'U_NEW', role: 'oncall', env: 'production', until });
  });

  it('gives someone on call no right to change roles: their /oncall add waits for an operator', async () => {
    const { activities } = setup();
    const prepared = await activities.prepareChange({
      requestId: 'r3',
      requester: 'U_STAGING',
      command: { name: 'oncall.add', subject: 'U_FRIEND', env: 'staging', reason: 'rotation' },
      reason: 'rotation',
    });
    expect(prepared.classification).toBe('risky');
    expect(prepared.riskReasons.join('; ')).toMatch(/outside U_STAGING's own rights .*on call breaks glass only/);
  });

  // Skipped until applyRoleChange (activities/change.ts) hands `role.until` to the store: until then a grant
  // from chat is stored without its end. Enable it with that line.
  it('grants oncall with its end once approved, and removes it again', async () => {
    const { stores, activities } = setup();
    const until = inAnHour();
    const apply = async (requestId: string, command: Record<string, unknown> & { name: string }) => {
      const { plan, request } = await activities.prepareChange({
        requestId,
        requester: 'U_OPS1',
        command,
        reason: 'r',
      });
      const input = { changeId: `change-${requestId}:apply`, actor: 'U_OPS1', plan, request, reason: 'r', requestId };
      return activities.applyPlannedChange({ ...input, approvedBy: 'U_OPS2' });
    };
    await apply('r4', { name: 'oncall.add', subject: 'U_NEW', env: 'production', until, reason: 'r' });
    expect(await stores.roleBindings.liveBindings('U_NEW')).toEqual([
      { subject: 'U_NEW', role: 'oncall', env: 'production', until },
    ]);
    await apply('r5', { name: 'oncall.remove', subject: 'U_NEW', env: 'production', reason: 'r' });
    expect(await stores.roleBindings.liveBindings('U_NEW')).toEqual([]);
  });
});
