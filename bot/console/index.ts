import { connectClient } from '../../workflows/starters.js';
import { SwitchyardError } from '../../core/errors.js';
import { pino } from 'pino';
import { createLogger, type Logger } from '../../core/logger.js';
import type { Settings } from '../../core/settings.js';
import { assertPostgresReachable, createPool } from '../../storage/db.js';
import { createCommandHandler } from '../command-handler.js';
import { runConsole } from './repl.js';

export { runConsole, CONSOLE_HELP, type ConsoleOptions } from './repl.js';
export { blocksToText, mrkdwnToText } from './blocks-to-text.js';

export interface ConsoleMainOptions {
  /** Where the console's own log lines go; `switchyard dev` passes its log file. Default: warnings and worse, on stderr. */
  log?: Logger;
}

/**
 * `switchyard console --as <user>`: the console on stdin/stdout against the configured Temporal
 * and Postgres. Resolves when the user quits (or stdin ends); connections are closed by then.
 * An unreachable Postgres or Temporal stops it before the prompt, with one line saying which.
 */
export async function consoleMain(settings: Settings, user: string, options: ConsoleMainOptions = {}): Promise<void> {
  if (!settings.TEMPORAL_ADDRESS) {
    throw new SwitchyardError('configuration error: TEMPORAL_ADDRESS is required for the console (or run `switchyard dev`, which starts Temporal and the console)', 'CONFIG', 500);
  }
  // Log lines would tear through the prompt on stdout: only warnings and worse, on stderr.
  const log = options.log ?? createLogger(settings.LOG_LEVEL === 'debug' || settings.LOG_LEVEL === 'trace' ? settings.LOG_LEVEL : 'warn', 'console', pino.destination(2));
  const pool = createPool(settings.DATABASE_URL, { log, max: 4 });
  try {
    await assertPostgresReachable(pool, settings.DATABASE_URL);
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw err;
  }
  const { client, connection } = await connectClient(settings.TEMPORAL_ADDRESS, settings.TEMPORAL_NAMESPACE).catch(async (err: unknown) => {
    await pool.end().catch(() => undefined);
    throw err;
  });
  try {
    const handler = createCommandHandler({ client, taskQueue: settings.TEMPORAL_TASK_QUEUE, pool, log, environments: settings.ENVIRONMENTS });
    await runConsole({ user, handler, pool, input: process.stdin, output: process.stdout, log });
  } finally {
    await pool.end().catch(() => undefined);
    await connection.close().catch(() => undefined);
  }
}
