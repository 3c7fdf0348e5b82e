import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../storage/logger.js';
import { startFakeSlack, type FakeSlack } from '../../test/slack-fake/server.js';
import { startFakeSocketMode, type FakeSocketMode } from '../../test/slack-fake/socket-mode.js';
import type { CommandHandler, CommandInput } from '../command-handler.js';
import { errorReply, okReply } from '../reply.js';
import { createSlackApp, type SlackApp } from './app.js';

/** The same app over Socket Mode (SLACK_APP_TOKEN set): no public URL, no signing secret. */
describe('the Slack app over Socket Mode', () => {
  let fake: FakeSlack;
  let socket: FakeSocketMode;
  let slack: SlackApp;
  const commands: CommandInput[] = [];
  const handler: CommandHandler = {
    async handleCommand(input) {
      commands.push(input);
      if (input.text.startsWith('bogus'))
        return errorReply({ text: 'unknown subcommand `bogus`: try /flag help', blocks: [] });
      return okReply({ text: `done: ${input.text}`, blocks: [] }, false);
    },
    async handleAction() {
      return okReply({ text: 'clicked', blocks: [] }, false);
    },
  };
  const slash = (text: string, responseId: string) => ({
    token: 'unused',
    team_id: 'T_TEST',
    channel_id: 'C_GENERAL',
    user_id: 'U_SOCKET',
    user_name: 'socket',
    command: '/flag',
    text,
    api_app_id: 'A_TEST',
    response_url: fake.responseUrl(responseId),
    trigger_id: `trig-${responseId}`,
  });

  beforeAll(async () => {
    socket = await startFakeSocketMode();
    fake = await startFakeSlack({ methods: { 'apps.connections.open': () => socket.connectionsOpen() } });
    slack = createSlackApp({
      settings: {
        SLACK_SIGNING_SECRET: undefined,
        SLACK_BOT_TOKEN: 'xoxb-test',
        SLACK_APP_TOKEN: 'xapp-test',
        SLACK_API_URL: fake.apiUrl,
        BOT_PORT: 0,
        SECRETS_MASTER_KEY: undefined,
        ENVIRONMENTS: ['dev', 'staging', 'production'],
      },
      handler,
      log: createLogger('silent'),
    });
    await slack.start();
    await socket.connected;
  });
  afterAll(async () => {
    await slack?.stop();
    await socket?.close();
    await fake?.close();
  });

  it('opens its connection with the app token through SLACK_API_URL', () => {
    expect(fake.callsOf('apps.connections.open')[0]?.token).toBe('xapp-test');
  });

  it('acknowledges a slash command envelope at once and answers through response_url', async () => {
    const { ack, ms } = await socket.send('slash_commands', slash('list --owner web', 'sock-1'));
    expect(ack.envelope_id).toBeTypeOf('string');
    expect(ms).toBeLessThan(3000);
    const reply = await fake.waitFor((c) => c.responseId === 'sock-1');
    expect(reply.args).toMatchObject({ response_type: 'in_channel', text: 'done: list --owner web' });
    expect(commands.at(-1)).toMatchObject({
      transport: 'slack',
      user: 'U_SOCKET',
      command: '/flag',
      text: 'list --owner web',
    });
  });

  it('sends an error back as an ephemeral reply', async () => {
    await socket.send('slash_commands', slash('bogus thing', 'sock-err'));
    const reply = await fake.waitFor((c) => c.responseId === 'sock-err');
    expect(reply.args).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringContaining('unknown subcommand'),
    });
  });

  it('hands a redelivered envelope to the command layer under the same request id, so it makes one change', async () => {
    const before = commands.length;
    await socket.send('slash_commands', slash('on checkout --env staging', 'sock-retry'));
    await socket.send('slash_commands', slash('on checkout --env staging', 'sock-retry'), { retryAttempt: 1 });
    await fake.waitFor((c) => c.responseId === 'sock-retry');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const delivered = commands.slice(before);
    expect(delivered.length).toBeGreaterThan(0);
    expect(new Set(delivered.map((c) => c.requestId)).size).toBe(1);
  });
});
