import { describe, expect, it } from 'vitest';
import { createLogger } from '../storage/logger.js';
import { fakeActivityStores, type FakeActivityStores } from '../test/fake-stores/index.js';
import { createActivities } from './index.js';

/** Tenant and cohort change requests over in-memory stores: prepared, judged and applied like any change. */
const settings = {
  ENVIRONMENTS: ['dev', 'staging', 'production'],
  PROMETHEUS_URL: undefined,
  INCIDENT_WEBHOOK_URL: undefined,
};

function setup(): { stores: FakeActivityStores; activities: ReturnType<typeof createActivities> } {
  const stores = fakeActivityStores();
  stores.roleBindings
    .give('U_OPS1', 'operator', { env: 'production' })
    .give('U_OPS2', 'operator', { env: 'production' })
    .give('U_ACME', 'admin', { tenant: 'acme' });
  stores.tenancy.give('acme', 'standard', 'Acme Corp').give('globex');
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

async function requestAndApply(
  activities: ReturnType<typeof createActivities>,
  requester: string,
  command: Record<string, unknown> & { name: string },
  changeId: string,
  approvedBy?: string,
) {
  const prepared = await activities.prepareChange({ requestId: changeId, requester, command, reason: 'test' });
  const applied = await activities.applyPlannedChange({
    changeId,
    actor: requester,
    plan: prepared.plan,
    request: prepared.request,
    reason: 'test',
    approvedBy,
    requestId: changeId,
  });
  return { prepared, applied };
}

describe('tenant and cohort change requests', () => {
  it("lets a tenant's admin rename their own tenant at once, audited once however often the apply is retried", async () => {
    const { stores, activities } = setup();
    const { prepared, applied } = await requestAndApply(
      activities,
      'U_ACME',
      { name: 'tenant.set', id: 'acme', displayName: 'Acme Inc' },
      'c1',
    );
    expect(prepared.classification).toBe('standard');
    expect(applied).toEqual({ version: 0, applied: true });
    const again = await activities.applyPlannedChange({
      changeId: 'c1',
      actor: 'U_ACME',
      plan: prepared.plan,
      request: prepared.request,
      requestId: 'c1',
    });
    expect(again.applied).toBe(false);
    expect(stores.tenancy.tenants.acme).toEqual({ id: 'acme', name: 'Acme Inc', tier: 'standard' });
    expect(stores.audit.rows.filter((r) => r.changeId === 'c1')).toEqual([
      expect.objectContaining({
        actor: 'U_ACME',
        action: 'tenant.set',
        entityKind: 'tenant',
        entityKey: 'acme',
        tenant: 'acme',
      }),
    ]);
  });

  it("refuses a tenant's admin who would upgrade their own tier, pointing at an operator", async () => {
    const { activities } = setup();
    await expect(
      activities.prepareChange({
        requestId: 'r',
        requester: 'U_ACME',
        command: { name: 'tenant.set', id: 'acme', tier: 'enterprise' },
      }),
    ).rejects.toMatchObject({
      type: 'FORBIDDEN',
      message: expect.stringMatching(/tier decides what a tenant is entitled to.*\/tenant set acme --tier enterprise/),
    });
  });

  it("refuses a tenant's admin who asks about another tenant, before anything waits for approval", async () => {
    const { activities } = setup();
    await expect(
      activities.prepareChange({
        requestId: 'r',
        requester: 'U_ACME',
        command: { name: 'tenant.set', id: 'globex', tier: 'enterprise' },
      }),
    ).rejects.toMatchObject({ type: 'FORBIDDEN' });
  });

  it('holds an operator adding a tenant for a second operator, and applies it with the approver on the audit row', async () => {
    const { stores, activities } = setup();
    const prepared = await activities.prepareChange({
      requestId: 'r',
      requester: 'U_OPS1',
      command: { name: 'tenant.add', id: 'initech', tier: 'enterprise' },
      reason: 'signed',
    });
    expect(prepared.classification).toBe('risky');
    const unapproved = activities.applyPlannedChange({
      changeId: 'c2',
      actor: 'U_OPS1',
      plan: prepared.plan,
      request: prepared.request,
      requestId: 'r',
    });
    await expect(unapproved).rejects.toMatchObject({ type: 'FORBIDDEN' });
    await activities.applyPlannedChange({
      changeId: 'c2',
      actor: 'U_OPS1',
      plan: prepared.plan,
      request: prepared.request,
      requestId: 'r',
      approvedBy: 'U_OPS2',
    });
    expect(stores.tenancy.tenants.initech?.tier).toBe('enterprise');
    expect(stores.audit.rows.find((r) => r.changeId === 'c2')).toMatchObject({
      action: 'tenant.add',
      approvedBy: 'U_OPS2',
    });
  });

  it('a cohort made by commands is what a cohort rollout steps through; an empty or unknown one is refused up front', async () => {
    const { activities } = setup();
    await requestAndApply(activities, 'U_OPS1', { name: 'cohort.create', cohort: 'beta' }, 'c3', 'U_OPS2');
    await expect(activities.cohortTenants({ cohorts: ['beta'] })).resolves.toEqual({ beta: [] });
    await requestAndApply(
      activities,
      'U_OPS1',
      { name: 'cohort.add', cohort: 'beta', tenants: ['globex', 'acme'] },
      'c4',
      'U_OPS2',
    );
    await expect(activities.cohortTenants({ cohorts: ['beta'] })).resolves.toEqual({ beta: ['acme', 'globex'] });
    await expect(activities.cohortTenants({ cohorts: ['gamma'] })).rejects.toThrow(
      'unknown cohort(s): gamma (create one with /cohort create gamma; see /cohort list)',
    );
  });

  it('re-checks at apply time: a tenant added twice by two waiting requests is added once', async () => {
    const { stores, activities } = setup();
    const first = await activities.prepareChange({
      requestId: 'a',
      requester: 'U_OPS1',
      command: { name: 'tenant.add', id: 'hooli' },
      reason: 'x',
    });
    const second = await activities.prepareChange({
      requestId: 'b',
      requester: 'U_OPS1',
      command: { name: 'tenant.add', id: 'hooli' },
      reason: 'x',
    });
    await activities.applyPlannedChange({
      changeId: 'a',
      actor: 'U_OPS1',
      plan: first.plan,
      request: first.request,
      requestId: 'a',
      approvedBy: 'U_OPS2',
    });
    await expect(
      activities.applyPlannedChange({
        changeId: 'b',
        actor: 'U_OPS1',
        plan: second.plan,
        request: second.request,
        requestId: 'b',
        approvedBy: 'U_OPS2',
      }),
    ).rejects.toThrow(/tenant `hooli` already exists/);
    expect(stores.audit.rows.filter((r) => r.action === 'tenant.add')).toHaveLength(1);
  });
});
