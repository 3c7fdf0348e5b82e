import { describe, expect, it } from 'vitest';
import type { NotificationEvent } from '../core/notifications.js';
import { ACTION } from './action-ids.js';
import type { Block, ButtonElement, Message } from './blocks.js';
import { renderNotification } from './notifications.js';

const buttonsOf = (message: Message): ButtonElement[] =>
  message.blocks.flatMap((b: Block) => (b.type === 'actions' ? b.elements : []));
const allText = (message: Message): string => JSON.stringify(message.blocks);

const approval: NotificationEvent = {
  kind: 'approval_requested',
  id: 'change-r1:approval',
  at: '2026-11-24T18:00:00.000Z',
  requestId: 'r1',
  requester: 'U1',
  entryKey: 'payments-v2',
  action: 'flag.on',
  env: 'production',
  summary: 'payments-v2 in production: off → on',
  reason: 'launch day',
  riskReasons: ['an operator change in production'],
  expiresAt: '2026-11-25T18:00:00.000Z',
  workflowId: 'change-r1',
};

describe('notification rendering', () => {
  it('an approval request shows the diff, scope, risk, requester and justification with Approve / Reject buttons on its workflow', () => {
    const message = renderNotification(approval);
    const text = allText(message);
    expect(text).toContain('payments-v2 in production: off → on');
    expect(text).toContain('an operator change in production');
    expect(text).toContain('launch day');
    expect(text).toContain('<@U1>');
    expect(text).toContain('production');
    expect(buttonsOf(message).map((b) => [b.action_id, b.value, b.text.text])).toEqual([
      [ACTION.approve, 'change-r1', 'Approve'],
      [ACTION.reject, 'change-r1', 'Reject'],
    ]);
    expect(message.text).toContain('off → on');
  });

  it('a rollout in progress shows its stage and next advance with Pause / Promote / Abort on the rollout workflow', () => {
    const message = renderNotification({
      kind: 'rollout_progress',
      id: 'p1',
      at: '2026-11-24T18:00:00.000Z',
      rolloutId: 'r2',
      flagKey: 'checkout',
      env: 'production',
      variation: 'on',
      stage: 25,
      stageIndex: 2,
      stageCount: 5,
      nextStepAt: '2026-11-24T22:00:00.000Z',
      requester: 'U2',
    });
    expect(allText(message)).toContain('25 % (stage 3/5)');
    expect(allText(message)).toContain('2026-11-24 22:00:00 UTC');
    expect(buttonsOf(message).map((b) => [b.action_id, b.value])).toEqual([
      [ACTION.rolloutPause, 'rollout-production-checkout'],
      [ACTION.rolloutPromote, 'rollout-production-checkout'],
      [ACTION.rolloutAbort, 'rollout-production-checkout'],
    ]);
  });

  it('the last stage of a rollout offers no buttons: there is nothing left to control', () => {
    const message = renderNotification({
      kind: 'rollout_progress',
      id: 'p2',
      at: '2026-11-24T18:00:00.000Z',
      rolloutId: 'r2',
      flagKey: 'checkout',
      env: 'staging',
      variation: 'on',
      stage: 100,
      stageIndex: 4,
      stageCount: 5,
      requester: 'U2',
    });
    expect(allText(message)).toContain('100 % (stage 5/5)');
    expect(buttonsOf(message)).toEqual([]);
  });

  it('an incident and its reminder carry a Mark reviewed button on the break-glass workflow', () => {
    const facts = {
      incidentId: '7',
      requestId: 'r9',
      actor: 'U3',
      summary: 'kill-switch in production: on → off',
      reviewDueAt: '2026-11-25T10:00:00.000Z',
    };
    for (const event of [
      { kind: 'incident_opened', id: 'i', at: '2026-11-24T10:00:00.000Z', reason: 'outage', ...facts },
      { kind: 'review_reminder', id: 'm', at: '2026-11-25T06:00:00.000Z', ...facts },
      { kind: 'review_escalation', id: 'e', at: '2026-11-25T10:00:00.000Z', ...facts },
    ] as NotificationEvent[]) {
      const message = renderNotification(event);
      expect(buttonsOf(message).map((b) => [b.action_id, b.value])).toEqual([
        [ACTION.breakGlassReview, 'break-glass-r9'],
      ]);
      expect(allText(message)).toContain('on → off');
    }
  });

  it('outcomes say who decided and why, without buttons', () => {
    const base = {
      at: '2026-11-24T18:00:00.000Z',
      requestId: 'r1',
      requester: 'U1',
      entryKey: 'payments-v2',
      action: 'flag.on',
      env: 'production',
      summary: 'payments-v2 in production: off → on',
    };
    const rejected = renderNotification({
      ...base,
      kind: 'change_rejected',
      id: 'x1',
      rejectedBy: 'U2',
      rejectionReason: 'not during the freeze',
    });
    expect(allText(rejected)).toMatch(/Rejected\* by <@U2>/);
    expect(allText(rejected)).toContain('not during the freeze');
    const applied = renderNotification({
      ...base,
      kind: 'change_applied',
      id: 'x2',
      version: 4,
      actor: 'U1',
      approvedBy: 'U2',
    });
    expect(applied.text).toContain('version 4');
    expect(applied.text).toContain('approved by <@U2>');
    const expired = renderNotification({
      ...base,
      kind: 'change_expired',
      id: 'x3',
      expiredAt: '2026-11-25T18:00:00.000Z',
    });
    expect(expired.text).toMatch(/Expired/);
    const conflict = renderNotification({
      ...base,
      kind: 'change_conflict',
      id: 'x4',
      message: 'payments-v2 changed after this request was made',
    });
    expect(allText(conflict)).toContain('changed after this request was made');
    for (const m of [rejected, applied, expired, conflict]) expect(buttonsOf(m)).toEqual([]);
  });
});
