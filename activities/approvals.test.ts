import { describe, expect, it } from 'vitest';
import type { ChangeRequest } from '../core/change-request.js';
import { SELF_APPROVAL_MESSAGE, SELF_REVIEW_MESSAGE } from '../core/messages.js';
import { createLogger } from '../storage/logger.js';
import { fakeActivityStores } from '../test/fake-stores/index.js';
import { createActivities } from './index.js';

const settings = {
  ENVIRONMENTS: ['dev', 'staging', 'production'],
  PROMETHEUS_URL: undefined,
  INCIDENT_WEBHOOK_URL: undefined,
};

function setup() {
  const stores = fakeActivityStores();
  stores.roleBindings
    .give('U_OPS1', 'operator', { env: 'production' })
    .give('U_OPS2', 'operator', { env: 'production' })
    .give('U_DEV', 'developer');
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

const turnOnInProduction: ChangeRequest = {
  action: 'flag.on',
  entity: 'flag',
  key: 'payments',
  env: 'production',
  flagKind: 'release',
  requestedBy: 'U_OPS1',
};

describe('who may decide', () => {
  it('refuses the requester as their own approver, with the one self-approval wording', async () => {
    const { activities } = setup();
    await expect(
      activities.authorizeApprover({ approver: 'U_OPS1', requester: 'U_OPS1', request: turnOnInProduction }),
    ).rejects.toThrow(SELF_APPROVAL_MESSAGE);
  });

  it('lets a second operator of the environment approve', async () => {
    const { activities } = setup();
    await expect(
      activities.authorizeApprover({ approver: 'U_OPS2', requester: 'U_OPS1', request: turnOnInProduction }),
    ).resolves.toBeUndefined();
  });

  it('refuses an approver whose bindings do not reach the environment, permanently', async () => {
    const { activities } = setup();
    await expect(
      activities.authorizeApprover({ approver: 'U_DEV', requester: 'U_OPS1', request: turnOnInProduction }),
    ).rejects.toMatchObject({ type: 'FORBIDDEN', nonRetryable: true });
  });

  it('reads bindings at the moment of the click: a role granted since the request counts', async () => {
    const { stores, activities } = setup();
    await expect(
      activities.authorizeApprover({ approver: 'U_LATE', requester: 'U_OPS1', request: turnOnInProduction }),
    ).rejects.toMatchObject({ type: 'FORBIDDEN' });
    stores.roleBindings.give('U_LATE', 'operator', { env: 'production' });
    await expect(
      activities.authorizeApprover({ approver: 'U_LATE', requester: 'U_OPS1', request: turnOnInProduction }),
    ).resolves.toBeUndefined();
  });

  it('takes the break-glass review only from an operator of that environment who is not the actor', async () => {
    const { stores, activities } = setup();
    stores.roleBindings
      .give('U_ADMIN', 'admin', { tenant: 'acme' })
      .give('U_STAGING_OPS', 'operator', { env: 'staging' })
      .give('U_ONCALL', 'oncall', { env: 'production' })
      .give('U_EVERYWHERE', 'operator');
    const review = (reviewer: string) =>
      activities.authorizeReviewer({ reviewer, actor: 'U_OPS1', requestId: 'r1', env: 'production' });
    await expect(
      activities.authorizeReviewer({ reviewer: 'U_OPS1', actor: 'U_OPS1', requestId: 'r1', env: 'production' }),
    ).rejects.toThrow(SELF_REVIEW_MESSAGE);
    const needed = 'a review of break-glass in production must come from an operator of production other than U_OPS1';
    await expect(review('U_ADMIN')).rejects.toThrow(`${needed} (U_ADMIN holds admin (all environments, tenant acme))`);
    await expect(review('U_STAGING_OPS')).rejects.toThrow(`${needed} (U_STAGING_OPS holds operator (staging))`);
    await expect(review('U_ONCALL')).rejects.toThrow(`${needed} (U_ONCALL holds oncall (production))`);
    await expect(review('U_DEV')).rejects.toMatchObject({ type: 'FORBIDDEN', nonRetryable: true });
    await expect(review('U_NOBODY')).rejects.toThrow(`${needed} (U_NOBODY holds no role)`);
    await expect(review('U_OPS2')).resolves.toBeUndefined();
    await expect(review('U_EVERYWHERE')).resolves.toBeUndefined();
  });

  it("reads the reviewer's bindings at the click: an operator binding that has ended no longer counts", async () => {
    const { stores, activities } = setup();
    stores.roleBindings.give('U_LAPSED', 'operator', { env: 'production', until: '2020-01-01T00:00:00.000Z' });
    await expect(
      activities.authorizeReviewer({ reviewer: 'U_LAPSED', actor: 'U_OPS1', requestId: 'r1', env: 'production' }),
    ).rejects.toThrow(/must come from an operator of production other than U_OPS1 \(U_LAPSED holds no role\)/);
  });

  it('without the environment (a review scheduled by an older workflow), needs an operator of every production environment', async () => {
    const { activities } = setup();
    await expect(
      activities.authorizeReviewer({ reviewer: 'U_OPS2', actor: 'U_OPS1', requestId: 'r1' }),
    ).resolves.toBeUndefined();
    await expect(activities.authorizeReviewer({ reviewer: 'U_DEV', actor: 'U_OPS1', requestId: 'r1' })).rejects.toThrow(
      /a review of break-glass in production must come from an operator of production/,
    );
  });
});

describe('audit rows for steps that write nothing else', () => {
  it('records a decision once per event id, however often the activity runs', async () => {
    const { stores, activities } = setup();
    const event = {
      eventId: 'change-r1:change.reject',
      actor: 'U_OPS2',
      action: 'change.reject',
      entityKind: 'flag',
      entityKey: 'payments',
      reason: 'not today',
    };
    await activities.recordAuditEvent(event);
    await activities.recordAuditEvent(event);
    expect(stores.audit.rows).toEqual([
      {
        actor: 'U_OPS2',
        action: 'change.reject',
        entityKind: 'flag',
        entityKey: 'payments',
        reason: 'not today',
        changeId: 'change-r1:change.reject',
      },
    ]);
  });

  it('closes a break-glass review once and audits it under the review event id', async () => {
    const { stores, activities } = setup();
    await activities.openIncident({
      requestId: 'bg1',
      actor: 'U_OPS1',
      summary: 'payments killed',
      reason: 'INC-9',
      entryKey: 'payments',
      env: 'production',
      reviewDueAt: '2026-11-25T00:00:00.000Z',
    });
    const review = { requestId: 'bg1', reviewedBy: 'U_OPS2', notes: 'fine', eventId: 'break-glass-bg1:reviewed' };
    await activities.closeIncidentReview(review);
    await activities.closeIncidentReview(review);
    expect(stores.audit.rows).toEqual([
      expect.objectContaining({
        action: 'break-glass.review',
        actor: 'U_OPS2',
        entityKind: 'flag',
        entityKey: 'payments',
        environment: 'production',
        changeId: 'break-glass-bg1:reviewed',
        detail: { incidentId: 1, breakGlassActor: 'U_OPS1' },
      }),
    ]);
  });

  it('refuses to close the review of a request that opened no incident', async () => {
    const { activities } = setup();
    await expect(
      activities.closeIncidentReview({ requestId: 'nope', reviewedBy: 'U_OPS2', eventId: 'x' }),
    ).rejects.toMatchObject({ type: 'NOT_FOUND' });
  });
});
