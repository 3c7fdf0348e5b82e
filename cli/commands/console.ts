import type { Command } from 'commander';
import { loadSettingsOrExit } from '../settings.js';

/** `switchyard console`: the command handler in a terminal. */
export function registerConsoleCommand(program: Command): void {
  program
    .command('console')
    .description(
      'type /flag, /config and /change lines as a Slack user would, against TEMPORAL_ADDRESS (no Slack workspace needed)',
    )
    .requiredOption('--as <user>', 'the Slack user id to act as (switch later with `as <user>`)')
    .action(async (opts: { as: string }) => {
      const settings = loadSettingsOrExit();
      const { consoleMain } = await import('../../bot/console/index.js');
      await consoleMain(settings, opts.as);
    });
}
