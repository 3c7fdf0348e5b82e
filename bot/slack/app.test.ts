import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../storage/logger.js';
import { startFakeSlack, type FakeSlack } from '../../test/slack-fake/server.js';
import {
  blockActionBody,
  eventBody,
  sendSigned,
  sendSignedJson,
  slashCommandBody,
  viewSubmissionBody,
} from '../../test/slack-fake/signed-request.js';
import type { ActionInput, CommandHandler, CommandInput } from '../command-handler.js';
import { okReply, errorReply } from '../reply.js';
import { createSlackApp, type SlackApp } from './app.js';
import { REASON_BLOCK, REASON_INPUT, REJECT_MODAL } from './modals.js';

const SECRET = 'test-signing-secret';

/** A command layer that records what reached it; the Bolt side is the subject here. */
function recordingHandler() {
  const commands: CommandInput[] = [];
  const actions: ActionInput[] = [];
  const handler: CommandHandler = {
    async handleCommand(input) {
      commands.push(input);
      if (input.text.startsWith('secret set'))
        return {
          ...okReply({ text: 'type the value into the dialog', blocks: [] }),
          dialog: { kind: 'secret', key: 'db-password', env: 'production' },
        };
      if (input.text.startsWith('bogus'))
        return errorReply({ text: 'unknown subcommand `bogus`: try /flag help', blocks: [] });
      return okReply({ text: `done: ${input.text}`, blocks: [] }, false);
    },
    async handleAction(input) {
      actions.push(input);
      if (input.user === 'U_REQUESTER')
        return errorReply({ text: 'you requested this change; another eligible person must approve it', blocks: [] });
      return okReply({ text: `${input.actionId} by ${input.user}`, blocks: [] }, false);
    },
  };
  return { handler, commands, actions };
}

describe('the Slack app over HTTP', () => {
  let fake: FakeSlack;
  let slack: SlackApp;
  let url: string;
  const rec = recordingHandler();

  beforeAll(async () => {
    fake = await startFakeSlack();
    slack = createSlackApp({
      settings: {
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_BOT_TOKEN: 'xoxb-test',
        SLACK_APP_TOKEN: undefined,
        SLACK_API_URL: fake.apiUrl,
        BOT_PORT: 0,
        SECRETS_MASTER_KEY: undefined,
        ENVIRONMENTS: ['dev', 'staging', 'production'],
      },
      handler: rec.handler,
      log: createLogger('silent'),
    });
    const { port } = await slack.start(0);
    url = `http://127.0.0.1:${port}/slack/events`;
  });
  afterAll(async () => {
    await slack?.stop();
    await fake?.close();
  });

  it('a forged signature is refused with 401 and reaches nothing', async () => {
    const before = rec.commands.length;
    const res = await sendSigned(
      url,
      SECRET,
      slashCommandBody({ command: '/flag', text: 'list', userId: 'U1', responseUrl: fake.responseUrl('forged') }),
      { signWith: 'not-the-secret' },
    );
    expect(res.status).toBe(401);
    await new Promise((r) => setTimeout(r, 200));
    expect(rec.commands.length).toBe(before);
  });

  it('a timestamp more than 5 minutes old is refused with 401 even when signed correctly', async () => {
    const before = rec.commands.length;
    const res = await sendSigned(
      url,
      SECRET,
      slashCommandBody({ command: '/flag', text: 'list', userId: 'U1', responseUrl: fake.responseUrl('stale') }),
      { timestampSec: Math.floor(Date.now() / 1000) - 6 * 60 },
    );
    expect(res.status).toBe(401);
    await new Promise((r) => setTimeout(r, 200));
    expect(rec.commands.length).toBe(before);
  });

  it('a slash command is acknowledged at once and answered through response_url', async () => {
    const res = await sendSigned(
      url,
      SECRET,
      slashCommandBody({
        command: '/flag',
        text: 'list --owner web',
        userId: 'U1',
        responseUrl: fake.responseUrl('cmd-1'),
      }),
    );
    expect(res.status).toBe(200);
    expect(res.latencyMs).toBeLessThan(1000);
    const reply = await fake.waitFor((c) => c.responseId === 'cmd-1');
    expect(reply.args).toMatchObject({ response_type: 'in_channel', text: 'done: list --owner web' });
    expect(rec.commands.at(-1)).toMatchObject({
      transport: 'slack',
      user: 'U1',
      command: '/flag',
      text: 'list --owner web',
      replyTo: { responseUrl: fake.responseUrl('cmd-1'), user: 'U1' },
    });
  });

  it('an error comes back as an ephemeral message with the command layer’s explanation', async () => {
    await sendSigned(
      url,
      SECRET,
      slashCommandBody({
        command: '/flag',
        text: 'bogus thing',
        userId: 'U1',
        responseUrl: fake.responseUrl('cmd-err'),
      }),
    );
    const reply = await fake.waitFor((c) => c.responseId === 'cmd-err');
    expect(reply.args).toMatchObject({ response_type: 'ephemeral' });
    expect(String(reply.args.text)).toContain('/flag help');
  });

  it('redeliveries of one command carry one request id; a new invocation gets another', async () => {
    const body = slashCommandBody({
      command: '/flag',
      text: 'on checkout --env dev',
      userId: 'U2',
      responseUrl: fake.responseUrl('retry'),
      triggerId: '111.222',
    });
    await sendSigned(url, SECRET, body);
    await sendSigned(url, SECRET, body, { retryNum: 1 });
    await sendSigned(url, SECRET, body, { retryNum: 2 });
    await sendSigned(
      url,
      SECRET,
      slashCommandBody({
        command: '/flag',
        text: 'on checkout --env dev',
        userId: 'U2',
        responseUrl: fake.responseUrl('retry'),
        triggerId: '333.444',
      }),
    );
    await fake.waitFor(() => rec.commands.filter((c) => c.user === 'U2').length === 4, 5000).catch(() => undefined);
    const ids = rec.commands.filter((c) => c.user === 'U2').map((c) => c.requestId);
    expect(ids).toHaveLength(4);
    expect(new Set(ids.slice(0, 3)).size).toBe(1);
    expect(ids[3]).not.toBe(ids[0]);
  });

  it('a refused Approve is ephemeral and leaves the message (and its buttons) alone', async () => {
    await sendSigned(
      url,
      SECRET,
      blockActionBody({
        userId: 'U_REQUESTER',
        actionId: 'change_approve',
        value: 'change-r1',
        responseUrl: fake.responseUrl('approve-self'),
      }),
    );
    const reply = await fake.waitFor((c) => c.responseId === 'approve-self');
    expect(reply.args).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(String(reply.args.text)).toContain('another eligible person');
    expect(rec.actions.at(-1)).toMatchObject({ user: 'U_REQUESTER', actionId: 'change_approve', value: 'change-r1' });
  });

  it('Reject opens a dialog; an empty reason is refused inside it, a reason reaches the command layer', async () => {
    await sendSigned(
      url,
      SECRET,
      blockActionBody({
        userId: 'U_OP',
        actionId: 'change_reject',
        value: 'change-r2',
        responseUrl: fake.responseUrl('reject'),
        triggerId: '555.666',
      }),
    );
    const opened = await fake.waitFor((c) => c.method === 'views.open');
    expect(opened.args.trigger_id).toBe('555.666');
    const view = opened.args.view as { callback_id: string; private_metadata: string };
    expect(view.callback_id).toBe(REJECT_MODAL);

    const empty = await sendSigned(
      url,
      SECRET,
      viewSubmissionBody({
        userId: 'U_OP',
        callbackId: REJECT_MODAL,
        privateMetadata: view.private_metadata,
        values: { [REASON_BLOCK]: { [REASON_INPUT]: '  ' } },
      }),
    );
    expect(empty.status).toBe(200);
    expect(JSON.parse(empty.body)).toMatchObject({
      response_action: 'errors',
      errors: { [REASON_BLOCK]: expect.any(String) },
    });
    expect(rec.actions.some((a) => a.actionId === 'change_reject')).toBe(false);

    await sendSigned(
      url,
      SECRET,
      viewSubmissionBody({
        userId: 'U_OP',
        callbackId: REJECT_MODAL,
        privateMetadata: view.private_metadata,
        values: { [REASON_BLOCK]: { [REASON_INPUT]: 'breaks checkout' } },
      }),
    );
    await fake.waitFor((c) => c.responseId === 'reject');
    expect(rec.actions.find((a) => a.actionId === 'change_reject')).toMatchObject({
      user: 'U_OP',
      value: 'change-r2',
      reason: 'breaks checkout',
    });
  });

  it('/config secret set without SECRETS_MASTER_KEY says secrets are not enabled, and opens no dialog', async () => {
    const opens = fake.callsOf('views.open').length;
    await sendSigned(
      url,
      SECRET,
      slashCommandBody({
        command: '/config',
        text: 'secret set db-password --env production',
        userId: 'U1',
        responseUrl: fake.responseUrl('secret-off'),
      }),
    );
    const reply = await fake.waitFor((c) => c.responseId === 'secret-off');
    expect(String(reply.args.text)).toContain('SECRETS_MASTER_KEY');
    expect(fake.callsOf('views.open').length).toBe(opens);
  });

  it('opening App Home publishes a home view for that user', async () => {
    const res = await sendSignedJson(
      url,
      SECRET,
      eventBody({ type: 'app_home_opened', user: 'U_HOME', channel: 'D1', tab: 'home' }),
    );
    expect(res.status).toBe(200);
    const published = await fake.waitFor((c) => c.method === 'views.publish');
    expect(published.args.user_id).toBe('U_HOME');
    expect((published.args.view as { type: string }).type).toBe('home');
  });
});
