import { describe, expect, it } from 'vitest';
import { blocksToText } from '../bot/console/blocks-to-text.js';
import type { NotificationEvent } from '../core/notifications.js';
import type { ChangeRequestState } from '../core/workflow-states.js';
import type { Message } from './blocks.js';
import { changeRequestUrl } from './console-link.js';
import { renderNotification } from './notifications.js';
import { renderChangeState } from './replies.js';

const CONSOLE = 'https://switchyard.example.com';
const PAGE = 'https://switchyard.example.com/#/change-requests/slack-r1';

const facts = {
  at: '2026-11-24T18:00:00.000Z',
  requestId: 'slack-r1',
  requester: 'U1',
  entryKey: 'payments-v2',
  action: 'flag.on',
  env: 'production',
  summary: 'payments-v2 in production: off → on',
};
const approval: NotificationEvent = {
  ...facts,
  kind: 'approval_requested',
  id: 'change-slack-r1:approval',
  reason: 'launch day',
  riskReasons: ['an operator change in production'],
  expiresAt: '2026-11-25T18:00:00.000Z',
  workflowId: 'change-slack-r1',
};
const outcomes: NotificationEvent[] = [
  { ...facts, kind: 'change_applied', id: 'a', version: 4, actor: 'U1', approvedBy: 'U2' },
  { ...facts, kind: 'change_rejected', id: 'b', rejectedBy: 'U2', rejectionReason: 'not during the freeze' },
  { ...facts, kind: 'change_expired', id: 'c', expiredAt: '2026-11-25T18:00:00.000Z' },
  { ...facts, kind: 'change_conflict', id: 'd', message: 'payments-v2 changed after this request was made' },
];
const pending: ChangeRequestState = {
  requestId: 'slack-r1',
  status: 'awaiting_approval',
  classification: 'risky',
  riskReasons: ['production'],
  requester: 'U1',
  summary: facts.summary,
};

/** The console link as Slack shows it: a mrkdwn link in a context block. */
const linksIn = (message: Message): string[] =>
  message.blocks
    .flatMap((b) => (b.type === 'context' ? b.elements.map((e) => e.text) : []))
    .filter((text) => text.includes('Open in Switchyard'));

describe('links from messages to the web console', () => {
  it('an approval request links to its change request page, in the blocks and in the plain-text fallback', () => {
    const message = renderNotification(approval, { consoleUrl: CONSOLE });
    expect(linksIn(message)).toEqual([`<${PAGE}|Open in Switchyard>`]);
    expect(message.text).toContain(`Open in Switchyard: ${PAGE}`);
    // The buttons stay what they were: the link adds, it does not replace.
    expect(message.blocks.filter((b) => b.type === 'actions')).toHaveLength(1);
  });

  it('without WEB_PUBLIC_URL, messages are exactly what they were', () => {
    for (const event of [approval, ...outcomes]) {
      const message = renderNotification(event);
      expect(JSON.stringify(message)).not.toContain('change-requests');
      expect(renderNotification(event, {})).toEqual(message);
      expect(renderNotification(event, { consoleUrl: CONSOLE }).blocks.slice(0, -1)).toEqual(message.blocks);
    }
    expect(JSON.stringify(renderChangeState(pending, 'change-slack-r1'))).not.toContain('Open in Switchyard');
  });

  it('the decision and the applied, rejected, expired and conflict notices link to the same page', () => {
    for (const event of outcomes) {
      const message = renderNotification(event, { consoleUrl: CONSOLE });
      expect(linksIn(message), event.kind).toEqual([`<${PAGE}|Open in Switchyard>`]);
      expect(message.text, event.kind).toContain(PAGE);
    }
  });

  it('the reply to the requester and to a decider links to the request; a break-glass change, which has no such page, does not', () => {
    expect(linksIn(renderChangeState(pending, 'change-slack-r1', { consoleUrl: CONSOLE }))).toEqual([
      `<${PAGE}|Open in Switchyard>`,
    ]);
    expect(
      linksIn(renderChangeState({ ...pending, status: 'applied' }, 'break-glass-slack-r1', { consoleUrl: CONSOLE })),
    ).toEqual([]);
    const incident: NotificationEvent = {
      kind: 'incident_opened',
      id: 'i',
      at: facts.at,
      incidentId: '7',
      requestId: 'slack-r1',
      actor: 'U3',
      summary: facts.summary,
      reason: 'outage',
      reviewDueAt: facts.at,
    };
    expect(JSON.stringify(renderNotification(incident, { consoleUrl: CONSOLE }))).not.toContain('change-requests');
  });

  it('the URL keeps a base path, drops a trailing slash and encodes the id', () => {
    expect(changeRequestUrl('https://x.io/switchyard/', 'api-1')).toBe(
      'https://x.io/switchyard/#/change-requests/api-1',
    );
    expect(changeRequestUrl('http://127.0.0.1:8090', 'a b/c')).toBe(
      'http://127.0.0.1:8090/#/change-requests/a%20b%2Fc',
    );
  });

  it('the terminal console shows the link as its label and address', () => {
    expect(blocksToText(renderNotification(approval, { consoleUrl: CONSOLE }))).toContain(
      `Open in Switchyard (${PAGE})`,
    );
  });
});
