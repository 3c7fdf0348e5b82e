import type { Command } from 'commander';
import { loadSettingsOrExit } from '../settings.js';
import { cliActor } from '../storage-runtime.js';
import { asOption } from './shared.js';

/** `switchyard secret set`: a secret's value from standard input, sealed before it leaves the process. */
export function registerSecretCommand(program: Command): void {
  const secret = program
    .command('secret')
    .description(
      'secrets: values are read from standard input and sealed with SECRETS_MASTER_KEY before anything else sees them',
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
}
