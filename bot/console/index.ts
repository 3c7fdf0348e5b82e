import { pino } from 'pino';
import { policyOf } from '../../core/policy.js';
import { keyRingFromSettings } from '../../core/secrets/keyring.js';
import type { CoreSettings } from '../../core/settings.js';
import { assertPostgresReachable, createPool } from '../../storage/db.js';
import { createLogger, type Logger } from '../../storage/logger.js';
import type { StorageSettings } from '../../storage/settings.js';
import { createCommandHandler } from '../command-handler.js';
import { connectTemporal, temporalAddress, type TemporalSettings } from '../temporal-connection.js';
import type { WebPublicUrl } from '../slack/settings.js';
import { runConsole } from './repl.js';

export { runConsole, type ConsoleOptions } from './repl.js';
export { CONSOLE_HELP } from './console-help.js';
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
export async function consoleMain(
  settings: CoreSettings & StorageSettings & TemporalSettings & WebPublicUrl,
  user: string,
  options: ConsoleMainOptions = {},
): Promise<void> {
  const requiredBy = 'the console';
  temporalAddress(settings, requiredBy);
  // Log lines would tear through the prompt on stdout: only warnings and worse, on stderr.
  const log =
    options.log ??
    createLogger(
      settings.LOG_LEVEL === 'debug' || settings.LOG_LEVEL === 'trace' ? settings.LOG_LEVEL : 'warn',
      'console',
      pino.destination(2),
    );
  const pool = createPool(settings.DATABASE_URL, { log, max: 4 });
  try {
    await assertPostgresReachable(pool, settings.DATABASE_URL);
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw err;
  }
  const { client, connection, taskQueue } = await connectTemporal(settings, { requiredBy }).catch(
    async (err: unknown) => {
      await pool.end().catch(() => undefined);
      throw err;
    },
  );
  try {
    const consoleUrl = settings.WEB_PUBLIC_URL;
    const handler = createCommandHandler({
      client,
      taskQueue,
      pool,
      log,
      environments: settings.ENVIRONMENTS,
      policy: policyOf(settings),
      consoleUrl,
    });
    // The console seals with the ring's current key (new envelopes always are) and never opens one.
    const masterKey = keyRingFromSettings(settings)?.current;
    await runConsole({
      user,
      handler,
      pool,
      input: process.stdin,
      output: process.stdout,
      log,
      consoleUrl,
      ...(masterKey ? { masterKey } : {}),
    });
  } finally {
    await pool.end().catch(() => undefined);
    await connection.close().catch(() => undefined);
  }
}
