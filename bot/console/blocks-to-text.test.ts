import { describe, expect, it } from 'vitest';
import { actions, button, context, fields, header, section } from '../../render/blocks.js';
import { renderNotification } from '../../render/notifications.js';
import { blocksToText, mrkdwnToText } from './blocks-to-text.js';

describe('Block Kit as terminal text', () => {
  it('lists buttons with the numbers the caller hands out', () => {
    let n = 7;
    const text = blocksToText(
      {
        text: 'x',
        blocks: [
          section('Pick one'),
          actions(button('change_approve', 'Approve', 'w'), button('change_reject', 'Reject', 'w')),
        ],
      },
      () => n++,
    );
    expect(text).toBe('Pick one\n[7] Approve  [8] Reject');
  });

  it('shows fields as "label: value", context indented, headers marked', () => {
    const text = blocksToText({
      text: 'x',
      blocks: [
        header('Approval needed'),
        fields([
          ['Scope', 'production'],
          ['Requested by', '<@U1>'],
          ['Missing', undefined],
        ]),
        context('Expires soon'),
      ],
    });
    expect(text.split('\n')).toEqual([
      '== Approval needed ==',
      '  Scope: production',
      '  Requested by: @U1',
      '  | Expires soon',
    ]);
  });

  it('drops mrkdwn markers but keeps identifiers with underscores intact', () => {
    expect(mrkdwnToText('*Applied* by <@U_DEV> for `std_checkout` :white_check_mark:')).toBe(
      'Applied by @U_DEV for std_checkout ✔',
    );
    expect(mrkdwnToText('*Change*\n```a: off → on```')).toBe('Change\n    a: off → on');
  });

  it('renders a whole approval request readably, diff included', () => {
    const text = blocksToText(
      renderNotification({
        kind: 'approval_requested',
        id: 'a',
        at: '2026-11-24T18:00:00.000Z',
        requestId: 'r1',
        requester: 'U1',
        entryKey: 'pay',
        action: 'flag.on',
        env: 'production',
        summary: 'pay in production: off → on',
        reason: 'launch',
        riskReasons: ['an operator change in production'],
        expiresAt: '2026-11-25T18:00:00.000Z',
        workflowId: 'change-r1',
      }),
      (b) => (b.action_id === 'change_approve' ? 1 : 2),
    );
    expect(text).toContain('    pay in production: off → on');
    expect(text).toContain('Requested by: @U1');
    expect(text).toContain('• an operator change in production');
    expect(text).toContain('[1] Approve  [2] Reject');
    expect(text).not.toMatch(/[*`]/);
  });
});
