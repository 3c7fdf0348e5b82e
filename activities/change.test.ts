import { describe, expect, it } from 'vitest';
import { createLogger } from '../storage/logger.js';
import { validateFlag } from '../core/model/validate-flag.js';
import { fakeActivityStores, type FakeActivityStores } from '../test/fake-stores/index.js';
import { createActivities } from './index.js';

/** Activities over in-memory stores: the rules of preparing and applying a change, without Postgres or Temporal. */
const settings = {
  ENVIRONMENTS: ['dev', 'staging', 'production'],
  PROMETHEUS_URL: undefined,
  INCIDENT_WEBHOOK_URL: undefined,
};

function setup(): { stores: FakeActivityStores; activities: ReturnType<typeof createActivities> } {
  const stores = fakeActivityStores();
  stores.roleBindings.give('U_DEV', 'developer').give('U_OPS1', 'operator').give('U_OPS2', 'operator');
  const activities = createActivities({
    stores,
    log: createLogger('silent'),
    notifier: { deliver: async () => {} },
    settings,
  });
  return { stores, activities };
}

async function seedFlag(stores: FakeActivityStores, key: string): Promise<number> {
  const expiry = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
  const { flag } = validateFlag({
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
  });
  return (
    await stores.entries.apply({
      changeId: `seed-${key}`,
      actor: 'test-setup',
      action: 'flag.create',
      target: { kind: 'flag', key, document: flag },
      expectedVersion: 0,
    })
  ).version;
}

const prepare = (
  activities: ReturnType<typeof createActivities>,
  requester: string,
  command: Record<string, unknown> & { name: string },
  reason?: string,
) => activities.prepareChange({ requestId: 'r1', requester, command, ...(reason ? { reason } : {}) });

describe('preparing a change', () => {
  it('refuses an actor who holds no role at all, permanently', async () => {
    const { stores, activities } = setup();
    await seedFlag(stores, 'checkout');
    await expect(
      prepare(activities, 'U_NOBODY', { name: 'flag.on', key: 'checkout', env: 'dev' }),
    ).rejects.toMatchObject({ type: 'FORBIDDEN', nonRetryable: true });
  });

  it('classifies a developer turning a flag on in dev as standard, judged on the environment it touches', async () => {
    const { stores, activities } = setup();
    await seedFlag(stores, 'checkout');
    const prepared = await prepare(activities, 'U_DEV', { name: 'flag.on', key: 'checkout', env: 'dev' });
    expect(prepared.classification).toBe('standard');
    expect(prepared.riskReasons).toEqual([]);
    expect(prepared.touched?.environments).toEqual(['dev']);
  });

  it('refuses a risky change without a reason, naming why it is risky and what to add', async () => {
    const { stores, activities } = setup();
    await seedFlag(stores, 'payments');
    const refused = prepare(activities, 'U_OPS1', { name: 'flag.on', key: 'payments', env: 'production' });
    await expect(refused).rejects.toMatchObject({ type: 'VALIDATION' });
    await expect(refused).rejects.toThrow(/a risky change needs a justification: add --reason "…" \(.*production.*\)/);
  });

  it('holds the same risky change with a reason for a second person, with its reasons', async () => {
    const { stores, activities } = setup();
    await seedFlag(stores, 'payments');
    const prepared = await prepare(
      activities,
      'U_OPS1',
      { name: 'flag.on', key: 'payments', env: 'production' },
      'launch',
    );
    expect(prepared.classification).toBe('risky');
    expect(prepared.riskReasons.length).toBeGreaterThan(0);
  });

  it('refuses a command that is not a change, naming it', async () => {
    const { activities } = setup();
    await expect(prepare(activities, 'U_DEV', { name: 'flag.list', stale: false })).rejects.toThrow(
      /flag\.list does not change anything/,
    );
  });
});

describe('applying a prepared change', () => {
  it('applies a change id once: a retry writes no second version and no second audit row', async () => {
    const { stores, activities } = setup();
    await seedFlag(stores, 'checkout');
    const { plan, request } = await prepare(activities, 'U_DEV', { name: 'flag.on', key: 'checkout', env: 'dev' });
    const input = { changeId: 'change-r1:apply', actor: 'U_DEV', plan, request, requestId: 'r1' };
    const first = await activities.applyPlannedChange(input);
    const again = await activities.applyPlannedChange(input);
    expect(first).toEqual({ version: 2, applied: true });
    expect(again).toEqual({ version: 2, applied: false });
    expect(stores.audit.rows.filter((r) => r.changeId === 'change-r1:apply')).toHaveLength(1);
    expect((await stores.entries.latest('flag', 'checkout'))?.document).toMatchObject({
      environments: { dev: { serve: { serve: 'on' } } },
    });
  });

  it('refuses a risky change applied without an approval', async () => {
    const { stores, activities } = setup();
    await seedFlag(stores, 'payments');
    const { plan, request } = await prepare(
      activities,
      'U_OPS1',
      { name: 'flag.on', key: 'payments', env: 'production' },
      'launch',
    );
    await expect(
      activities.applyPlannedChange({
        changeId: 'c1',
        actor: 'U_OPS1',
        plan,
        request,
        reason: 'launch',
        requestId: 'r1',
      }),
    ).rejects.toThrow(/U_OPS1 may not apply this change without a second person/);
    expect(stores.entries.calls.filter((c) => c.changeId === 'c1')).toEqual([]);
  });

  it('stops an actor whose role was revoked while the request waited', async () => {
    const { stores, activities } = setup();
    await seedFlag(stores, 'checkout');
    const { plan, request } = await prepare(activities, 'U_DEV', { name: 'flag.on', key: 'checkout', env: 'dev' });
    stores.roleBindings.bindings.splice(
      0,
      stores.roleBindings.bindings.length,
      ...stores.roleBindings.bindings.filter((b) => b.subject !== 'U_DEV'),
    );
    await expect(
      activities.applyPlannedChange({ changeId: 'c2', actor: 'U_DEV', plan, request, requestId: 'r1' }),
    ).rejects.toMatchObject({ type: 'FORBIDDEN' });
  });

  it('grants a role once per change id: a retried grant changes nothing and is audited once', async () => {
    const { activities, stores } = setup();
    const { plan, request } = await prepare(
      activities,
      'U_OPS1',
      { name: 'change.role.grant', subject: 'U_NEW', role: 'developer', reason: 'joined' },
      'joined',
    );
    const input = {
      changeId: 'change-r2:apply',
      actor: 'U_OPS1',
      plan,
      request,
      reason: 'joined',
      approvedBy: 'U_OPS2',
      requestId: 'r2',
    };
    expect(await activities.applyPlannedChange(input)).toEqual({ version: 0, applied: true });
    expect(await activities.applyPlannedChange(input)).toEqual({ version: 0, applied: false });
    expect(await stores.roleBindings.liveBindings('U_NEW')).toEqual([{ subject: 'U_NEW', role: 'developer' }]);
    expect(stores.audit.rows.filter((r) => r.action === 'role.grant')).toHaveLength(1);
  });

  it('revokes a role once per change id: a retry does not fail on the binding it already removed', async () => {
    const { activities, stores } = setup();
    const { plan, request } = await prepare(
      activities,
      'U_OPS1',
      { name: 'change.role.revoke', subject: 'U_DEV', role: 'developer', reason: 'left' },
      'left',
    );
    const input = {
      changeId: 'change-r3:apply',
      actor: 'U_OPS1',
      plan,
      request,
      reason: 'left',
      approvedBy: 'U_OPS2',
      requestId: 'r3',
    };
    expect(await activities.applyPlannedChange(input)).toEqual({ version: 0, applied: true });
    expect(await activities.applyPlannedChange(input)).toEqual({ version: 0, applied: false });
    expect(await stores.roleBindings.liveBindings('U_DEV')).toEqual([]);
  });
});
