import type { Command } from 'commander';
import { loadSettingsOrExit } from '../settings.js';

/** `switchyard dev`: the whole stack on this machine. */
export function registerDevCommand(program: Command): void {
  program
    .command('dev')
    .description(
      'the whole stack on this machine: Temporal dev server (unless TEMPORAL_ADDRESS), migrations, worker, evaluator, the HTTP API and the console',
    )
    .option(
      '--as <user>',
      "the Slack user id the console acts as (a fresh database gets the walkthrough's U_ALICE and U_BOB)",
      'U_ALICE',
    )
    .option('--no-console', 'run the services only (no interactive console)')
    .action(async (opts: { as: string; console: boolean }) => {
      const settings = loadSettingsOrExit();
      const { runDev } = await import('../dev-command.js');
      await runDev(settings, { user: opts.as, console: opts.console });
    });
}
