import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { pino } from 'pino';
import { SwitchyardError, ValidationError } from '../core/errors.js';
import { policyOf } from '../core/policy.js';
import { keyRingFromSettings } from '../core/secrets/keyring.js';
import { createCommandHandler } from '../bot/command-handler.js';
import { blocksToText } from '../bot/console/blocks-to-text.js';
import { NO_MASTER_KEY, requestSecretValue } from '../bot/sealed-secret.js';
import { connectTemporal } from '../bot/temporal-connection.js';
import { createPool } from '../storage/db.js';
import { createLogger } from '../storage/logger.js';
import type { Settings } from './settings.js';

export interface SecretSetOptions {
  key: string;
  env: string;
  reason: string;
  /** Who asks: the CLI actor (`cli:<name>`), who needs a role like anyone else. */
  actor: string;
  input: Readable & { isTTY?: boolean };
}

/** The whole of standard input, minus the one newline that ends a file or an `echo`. */
export async function readSecretValue(input: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/**
 * `switchyard secret set <key> --env <env> --reason "…" < file`: the value comes from standard
 * input (never from an argument, which `ps` and shell history would show), is sealed here for this
 * key and environment, and only the envelope goes to the change-request workflow, the same path as
 * Slack's dialog and the console's hidden prompt (bot/sealed-secret.ts). Prints the request's
 * state (a secret always waits for a second person); returns whether it was accepted.
 */
export async function runSecretSet(settings: Settings, options: SecretSetOptions): Promise<boolean> {
  // Sealed with the ring's current key, as every new envelope is.
  const masterKey = keyRingFromSettings(settings)?.current;
  if (!masterKey) throw new SwitchyardError(NO_MASTER_KEY, 'CONFIG', 500);
  if (options.input.isTTY) {
    throw new ValidationError(
      `pipe the value in rather than typing it here: switchyard secret set ${options.key} --env ${options.env} --reason "…" < value.txt (or use /config secret set in the console, which hides what you type)`,
    );
  }
  const value = await readSecretValue(options.input);
  if (!value) throw new ValidationError('standard input was empty: pipe the secret value in, e.g. < value.txt');

  // stdout is the command's answer: log lines (warnings and worse unless asked for more) go to stderr.
  const log = createLogger(settings.LOG_LEVEL === 'info' ? 'warn' : settings.LOG_LEVEL, 'cli', pino.destination(2));
  const pool = createPool(settings.DATABASE_URL, { log, max: 2 });
  try {
    const { client, connection, taskQueue } = await connectTemporal(settings);
    try {
      const handler = createCommandHandler({
        client,
        taskQueue,
        pool,
        log,
        environments: settings.ENVIRONMENTS,
        policy: policyOf(settings),
      });
      const requestId = `cli-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
      const replyTo = { transport: 'console' as const, channel: 'cli', user: options.actor };
      // The key and environment go through the grammar first, exactly as typed in chat: a bad one is refused before anything is sealed.
      const asked = await handler.handleCommand({
        transport: 'console',
        user: options.actor,
        command: '/config',
        text: `secret set ${options.key} --env ${options.env}`,
        requestId,
        replyTo,
      });
      if (!asked.dialog) {
        process.stderr.write(`${blocksToText(asked)}\n`);
        return false;
      }
      const reply = await requestSecretValue(handler, masterKey, {
        transport: 'console',
        user: options.actor,
        key: asked.dialog.key,
        env: asked.dialog.env,
        value,
        reason: options.reason,
        requestId,
        replyTo,
      });
      // A change request's reply opens with `Change <id>: <status>`; only a request that stands (or is already applied) is a success.
      const accepted = reply.ok && /^Change \S+: (awaiting approval|applied)/.test(reply.text);
      (accepted ? process.stdout : process.stderr).write(`${blocksToText(reply)}\n`);
      if (/has no Switchyard role/.test(reply.text)) {
        process.stderr.write(
          `The CLI acts as ${options.actor}: an operator grants it a role first, e.g. switchyard role grant ${options.actor} operator --env ${asked.dialog.env} --reason "…"\n`,
        );
      }
      return accepted;
    } finally {
      await connection.close().catch(() => undefined);
    }
  } finally {
    await pool.end().catch(() => undefined);
  }
}
