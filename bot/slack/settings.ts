import { z } from 'zod';
import { portSetting } from '../../core/settings.js';

/**
 * The Slack app's variables; part of the environment validated at boot (cli/settings.ts). The
 * worker's notifier reads the token, API URL and channels too (activities/slack-notifier.ts).
 */
export const slackSettingsSchema = z.object({
  SLACK_SIGNING_SECRET: z.string().optional(),
  SLACK_BOT_TOKEN: z.string().optional(),
  SLACK_APP_TOKEN: z.string().optional(),
  SLACK_API_URL: z.url().optional(),
  SLACK_APPROVALS_CHANNEL: z.string().optional(),
  SLACK_INCIDENTS_CHANNEL: z.string().optional(),
  BOT_PORT: portSetting(3000),
});
export type SlackSettings = z.infer<typeof slackSettingsSchema>;

/**
 * The web console's address (declared with the web settings, web/settings.ts): set, messages
 * about a change request link to its console page. Named here because the bot cannot import web.
 */
export type WebPublicUrl = { WEB_PUBLIC_URL?: string };
