import type { Command } from 'commander';
import { loadSettingsOrExit } from '../settings.js';

/** `switchyard bot`: the Slack app. */
export function registerBotCommand(program: Command): void {
  program
    .command('bot')
    .description(
      'serve the Slack app (slash commands, buttons, modals, App Home) on BOT_PORT, or over Socket Mode with SLACK_APP_TOKEN',
    )
    .action(async () => {
      const settings = loadSettingsOrExit();
      const { runBot } = await import('../../bot/slack/index.js');
      await runBot(settings);
    });
}
