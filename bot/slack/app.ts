import { App } from '@slack/bolt';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SwitchyardError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { keyRingFromSettings } from '../../core/secrets/keyring.js';
import type { CoreSettings } from '../../core/settings.js';
import type { CommandHandler } from '../command-handler.js';
import type { HomeSource } from './app-home.js';
import { boltLogger } from './bolt-logger.js';
import { registerListeners } from './listeners/index.js';
import type { SlackSettings } from './settings.js';

export const SLACK_EVENTS_PATH = '/slack/events';

export type SlackAppSettings = Pick<
  SlackSettings,
  'SLACK_SIGNING_SECRET' | 'SLACK_BOT_TOKEN' | 'SLACK_APP_TOKEN' | 'SLACK_API_URL' | 'BOT_PORT'
> &
  Pick<CoreSettings, 'SECRETS_MASTER_KEY' | 'SECRETS_MASTER_KEYS' | 'ENVIRONMENTS'>;

export interface SlackAppOptions {
  settings: SlackAppSettings;
  handler: CommandHandler;
  log: Logger;
  home?: HomeSource;
}

export interface SlackApp {
  app: App;
  /** Starts listening (HTTP on `port`, default BOT_PORT; 0 picks a free one) or connects Socket Mode. */
  start(port?: number): Promise<{ port?: number }>;
  stop(): Promise<void>;
}

/** The settings the bot cannot run without, named in one line. */
export function checkSlackSettings(settings: SlackAppSettings): void {
  const missing = [
    !settings.SLACK_BOT_TOKEN && 'SLACK_BOT_TOKEN',
    !settings.SLACK_APP_TOKEN && !settings.SLACK_SIGNING_SECRET && 'SLACK_SIGNING_SECRET',
  ].filter(Boolean);
  if (missing.length)
    throw new SwitchyardError(
      `configuration error: ${missing.join(' and ')} must be set for \`switchyard bot\` (see "Connect to Slack" in the README)`,
      'CONFIG',
      500,
    );
}

/**
 * The Slack app (docs/design.md#commands): Bolt's HTTP receiver on `/slack/events` for commands, interactivity
 * and events, or Socket Mode when SLACK_APP_TOKEN is set. Bolt verifies every HTTP request's
 * signature and refuses timestamps more than 5 minutes off with 401; `processBeforeResponse`
 * stays false so listeners answer Slack on ack(), before their slow work.
 *
 * @example
 * const slack = createSlackApp({ settings, handler, log });
 * await slack.start(); // http://0.0.0.0:3000/slack/events
 */
export function createSlackApp(options: SlackAppOptions): SlackApp {
  const { settings, log } = options;
  checkSlackSettings(settings);
  const socketMode = Boolean(settings.SLACK_APP_TOKEN);
  const app = new App({
    token: settings.SLACK_BOT_TOKEN,
    ...(settings.SLACK_SIGNING_SECRET ? { signingSecret: settings.SLACK_SIGNING_SECRET } : {}),
    ...(socketMode
      ? { socketMode: true, appToken: settings.SLACK_APP_TOKEN }
      : { endpoints: SLACK_EVENTS_PATH, port: settings.BOT_PORT, processBeforeResponse: false }),
    // The Socket Mode client opens its connection with a Web API client of its own, configured apart.
    ...(settings.SLACK_API_URL ? { clientOptions: { slackApiUrl: settings.SLACK_API_URL } } : {}),
    ...(settings.SLACK_API_URL && socketMode
      ? { installerOptions: { clientOptions: { slackApiUrl: settings.SLACK_API_URL } } }
      : {}),
    logger: boltLogger(log),
  });
  // New secrets are sealed with the ring's current key; the bot never opens one.
  const keyRing = keyRingFromSettings(settings);
  registerListeners(app, {
    handler: options.handler,
    log,
    environments: settings.ENVIRONMENTS,
    ...(keyRing ? { masterKey: keyRing.current } : {}),
    ...(options.home ? { home: options.home } : {}),
  });
  app.error(async (err) => {
    log.error({ err: err.message, code: (err as { code?: string }).code }, 'Slack listener error');
  });

  return {
    app,
    async start(port = settings.BOT_PORT) {
      if (socketMode) {
        await app.start();
        log.info('Slack app connected in Socket Mode');
        return {};
      }
      const server = (await app.start(port)) as Server;
      const bound = (server.address() as AddressInfo).port;
      log.info({ port: bound, path: SLACK_EVENTS_PATH }, 'Slack app listening');
      return { port: bound };
    },
    async stop() {
      await app.stop();
    },
  };
}
