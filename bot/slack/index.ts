import { policyOf } from '../../core/policy.js';
import type { CoreSettings } from '../../core/settings.js';
import { createPool } from '../../storage/db.js';
import { createLogger } from '../../storage/logger.js';
import type { StorageSettings } from '../../storage/settings.js';
import { createCommandHandler } from '../command-handler.js';
import { liveReadScope } from '../read-scope.js';
import { connectTemporal, type TemporalSettings } from '../temporal-connection.js';
import { temporalHomeSource } from './app-home.js';
import { checkSlackSettings, createSlackApp } from './app.js';
import type { SlackSettings, WebPublicUrl } from './settings.js';

export { createSlackApp, SLACK_EVENTS_PATH, type SlackApp, type SlackAppOptions } from './app.js';

/**
 * `switchyard bot`: connects to Temporal at TEMPORAL_ADDRESS, builds the command layer over it
 * and Postgres, and serves Slack until SIGINT/SIGTERM. Posting to channels is the worker's job
 * (SlackNotifier in the notify activity), so the bot only answers requests.
 */
export async function runBot(
  settings: CoreSettings & StorageSettings & TemporalSettings & SlackSettings & WebPublicUrl,
): Promise<void> {
  const log = createLogger(settings.LOG_LEVEL, 'bot');
  checkSlackSettings(settings);
  const { client, connection, taskQueue } = await connectTemporal(settings, { requiredBy: '`switchyard bot`' });
  const pool = createPool(settings.DATABASE_URL, { log });
  // Built once: the handler's reads and App Home's are judged on the same production set.
  const policy = policyOf(settings);
  const handler = createCommandHandler({
    client,
    taskQueue,
    pool,
    log,
    environments: settings.ENVIRONMENTS,
    policy,
    consoleUrl: settings.WEB_PUBLIC_URL,
  });
  const slack = createSlackApp({
    settings,
    handler,
    log,
    home: temporalHomeSource(client, (user) => liveReadScope({ pool, log, policy, now: () => new Date() }, user)),
  });
  await slack.start();
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  log.info('bot stopping');
  await slack.stop().catch(() => undefined);
  await connection.close();
  await pool.end();
}
