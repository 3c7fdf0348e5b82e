import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../storage/logger.js';
import { createTestDatabase, type TestDatabase } from '../test/db.js';
import { startFakeSlack, type FakeSlack } from '../test/slack-fake/server.js';
import type { NotificationEvent } from './notification-event.js';
import { createSlackWebClient, SLACK_RATE_LIMITED, SlackNotifier } from './slack-notifier.js';

const at = new Date().toISOString();
const facts = {
  requestId: 'req-1',
  requester: 'U_REQ',
  entryKey: 'checkout',
  action: 'flag.on',
  env: 'production',
  summary: 'checkout in production: off → on',
  reason: 'launch',
};

describe('SlackNotifier (fake Slack Web API, real Postgres)', () => {
  let db: TestDatabase;
  let fake: FakeSlack;
  let notifier: SlackNotifier;

  beforeAll(async () => {
    db = await createTestDatabase();
    fake = await startFakeSlack();
    notifier = new SlackNotifier({
      client: createSlackWebClient({ SLACK_BOT_TOKEN: 'xoxb-n', SLACK_API_URL: fake.apiUrl }),
      pool: db.pool,
      approvalsChannel: 'C_APPR',
      incidentsChannel: 'C_INC',
      log: createLogger('silent'),
      inActivityWaitMs: 2500,
    });
  });
  afterAll(async () => {
    await fake?.close();
    await db?.drop();
  });

  it('posts an approval request once, and updates that same message with the outcome', async () => {
    const requested: NotificationEvent = {
      id: 'e1',
      at,
      kind: 'approval_requested',
      ...facts,
      riskReasons: ['ops flag in production'],
      expiresAt: at,
      workflowId: 'change-req-1',
    };
    await notifier.deliver(requested);
    await notifier.deliver(requested);
    const posts = fake.callsOf('chat.postMessage');
    expect(posts).toHaveLength(1);
    expect(posts[0]!.args.channel).toBe('C_APPR');
    expect(posts[0]!.token).toBe('xoxb-n');

    await notifier.deliver({
      id: 'e2',
      at,
      kind: 'change_applied',
      ...facts,
      version: 2,
      actor: 'U_REQ',
      approvedBy: 'U_APP',
    });
    const update = fake.callsOf('chat.update').at(-1)!;
    expect(update.args).toMatchObject({ channel: 'C_APPR', ts: posts[0]!.result!.ts });
    expect(JSON.stringify(update.args.blocks)).toContain('U_APP');
    expect(fake.callsOf('chat.postMessage')).toHaveLength(1);
  });

  it('tells the requester of a standard change through response_url', async () => {
    await notifier.deliver({
      id: 'e3',
      at,
      kind: 'change_applied',
      ...facts,
      requestId: 'req-std',
      version: 3,
      actor: 'U_REQ',
      replyTo: { transport: 'slack', user: 'U_REQ', responseUrl: fake.responseUrl('std'), channel: 'C_GEN' },
    });
    const reply = await fake.waitFor((c) => c.responseId === 'std', 2000);
    expect(reply.args.response_type).toBe('in_channel');
  });

  it('waits out a short 429 inside the delivery, so the message still arrives', async () => {
    fake.rateLimitNext(1, 1, ['chat.postMessage']);
    const started = Date.now();
    await notifier.deliver({
      id: 'e4',
      at,
      kind: 'guardrail_breach',
      flagKey: 'checkout',
      env: 'production',
      metric: 'error_rate',
      value: 0.2,
      threshold: 0.05,
      response: 'killed',
      workflowId: 'g',
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(fake.callsOf('chat.postMessage').filter((c) => c.args.channel === 'C_INC')).toHaveLength(1);
  });

  it('hands a long Retry-After to Temporal as a retryable failure carrying the delay, and delivers on the retry', async () => {
    fake.rateLimitNext(1, 30, ['chat.postMessage']);
    const event: NotificationEvent = { id: 'e5', at, kind: 'stale_flags', flags: [] };
    const err = await notifier.deliver(event).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ type: SLACK_RATE_LIMITED, nonRetryable: false });
    expect((err as ApplicationFailure).nextRetryDelay).toBe('30s');
    await notifier.deliver(event);
    expect(fake.callsOf('chat.postMessage').filter((c) => String(c.args.text).includes('stale'))).toHaveLength(1);
  });
});
