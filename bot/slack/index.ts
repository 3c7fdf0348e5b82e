import { SwitchyardError } from '../../core/errors.js';
import { createLogger } from '../../core/logger.js';
import type { Settings } from '../../core/settings.js';
import { createPool } from '../../storage/db.js';
import { createCommandHandler } from '../command-handler.js';
import { temporalHomeSource } from './app-home.js';
import { checkSlackSettings, createSlackApp } from './app.js';
import { connectClient } from '../../workflows/starters.js';

export { createSlackApp, SLACK_EVENTS_PATH, type SlackApp, type SlackAppOptions } from './app.js';

/**
 * `switchyard bot`: connects to Temporal at TEMPORAL_ADDRESS, builds the command layer over it
 * and Postgres, and serves Slack until SIGINT/SIGTERM. Posting to channels is the worker's job
 * (SlackNotifier in the notify activity), so the bot only answers requests.
 */
export async function runBot(settings: Settings): Promise<void> {
  const log = createLogger(settings.LOG_LEVEL, 'bot');
  if (!settings.TEMPORAL_ADDRESS) throw new SwitchyardError('configuration error: TEMPORAL_ADDRESS is required for `switchyard bot` (use `switchyard dev` for a local Temporal)', 'CONFIG', 500);
  checkSlackSettings(settings);
  const { client, connection } = await connectClient(settings.TEMPORAL_ADDRESS, settings.TEMPORAL_NAMESPACE);
  const pool = createPool(settings.DATABASE_URL, { log });
  const handler = createCommandHandler({ client, taskQueue: settings.TEMPORAL_TASK_QUEUE, pool, log, environments: settings.ENVIRONMENTS });
  const slack = createSlackApp({ settings, handler, log, temporal: { client, taskQueue: settings.TEMPORAL_TASK_QUEUE }, home: temporalHomeSource(client) });
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
