import { InvalidArgumentError, type Command } from 'commander';
import { loadSettingsOrExit } from '../settings.js';
import { cliActor } from '../storage-runtime.js';
import { asOption, withStorage } from './shared.js';

const positive = (name: string) => (text: string) => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1)
    throw new InvalidArgumentError(`${name} must be a positive whole number (got ${text})`);
  return n;
};

/** `switchyard secret set`: a secret's value from standard input, sealed before it leaves the process; `secret rewrap`: rotation. */
export function registerSecretCommand(program: Command): void {
  const secret = program
    .command('secret')
    .description(
      'secrets: values are read from standard input and sealed with the current master key (the first of SECRETS_MASTER_KEYS, or SECRETS_MASTER_KEY) before anything else sees them',
    );
  secret
    .command('set <key>')
    .description(
      'request a change of a secret in one environment, its value read from standard input (one trailing newline dropped); a second person approves it',
    )
    .requiredOption('--env <env>', 'the environment whose value changes')
    .requiredOption('--reason <text>', 'why it changes (the approver reads it)')
    .addOption(asOption())
    .action(async (key: string, opts: { env: string; reason: string; as?: string }) => {
      const settings = loadSettingsOrExit();
      const { runSecretSet } = await import('../secret-command.js');
      const ok = await runSecretSet(settings, {
        key,
        env: opts.env,
        reason: opts.reason,
        actor: cliActor(opts.as),
        input: process.stdin,
      });
      if (!ok) process.exitCode = 1;
    });
  secret
    .command('rewrap')
    .description(
      'after a master key rotation: re-wrap the data key of every secret still under an older key of SECRETS_MASTER_KEYS with the current (first) key, one audited change per secret; values are never decrypted, and a second run finds nothing to do',
    )
    .requiredOption('--reason <text>', 'why, for the audit log (e.g. "rotate the master key, ticket SEC-12")')
    .option('--limit <n>', 'stop after re-wrapping this many secrets (the next run continues)', positive('--limit'))
    .option('--progress-every <n>', 'print a progress line after every n secrets', positive('--progress-every'), 100)
    .addOption(asOption())
    .action(async (opts: { reason: string; limit?: number; progressEvery: number; as?: string }) => {
      const { rewrapKeyRing, runSecretRewrap } = await import('../secret-rewrap.js');
      const ring = rewrapKeyRing(loadSettingsOrExit());
      const done = await withStorage(({ deps }) =>
        runSecretRewrap(deps, ring, {
          reason: opts.reason,
          actor: cliActor(opts.as),
          ...(opts.limit === undefined ? {} : { limit: opts.limit }),
          every: opts.progressEvery,
          print: (line) => console.log(line),
        }),
      );
      if (!done) process.exitCode = 1;
    });
}
