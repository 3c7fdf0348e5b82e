import { activitySettingsSchema } from '../activities/settings.js';
import { slackSettingsSchema } from '../bot/slack/settings.js';
import { temporalSettingsSchema } from '../bot/temporal-connection.js';
import { checkCoreSettings, coreSettingsSchema, parseSettingsWith, type ParsedSettings } from '../core/settings.js';
import { checkMasterKeySettings } from '../core/secrets/keyring.js';
import { evaluatorSettingsSchema } from '../evaluator/settings.js';
import { databaseUrlWithUser } from '../storage/db.js';
import { storageSettingsSchema } from '../storage/settings.js';
import { checkWebSettings, webSettingsSchema } from '../web/settings.js';

/**
 * The whole environment, joined from what each layer declares (core, storage, Temporal, Slack,
 * the evaluator, the activities, the API server): read once at boot, so a missing or malformed variable stops
 * the process before it connects to anything.
 */
export const settingsSchema = coreSettingsSchema
  .extend(storageSettingsSchema.shape)
  .extend(temporalSettingsSchema.shape)
  .extend(slackSettingsSchema.shape)
  .extend(evaluatorSettingsSchema.shape)
  .extend(activitySettingsSchema.shape)
  .extend(webSettingsSchema.shape)
  .superRefine(checkCoreSettings)
  .superRefine(checkWebSettings)
  .superRefine(checkMasterKeySettings);
export type Settings = ReturnType<typeof settingsSchema.parse>;

/** Parses the environment; on failure the message has one line per bad variable, naming it and what is wrong. */
export function parseSettings(env: NodeJS.ProcessEnv): ParsedSettings<Settings> {
  return parseSettingsWith(settingsSchema, env);
}

/**
 * Boot-time configuration: a bad or missing variable stops the process with one line naming it.
 * A DATABASE_URL without a user gets one (PGUSER, USER, then the OS account), so the default URL
 * also works where USER is unset, as in most containers.
 */
export function loadSettingsOrExit(env: NodeJS.ProcessEnv = process.env): Settings {
  const result = parseSettings(env);
  if (!result.ok) {
    process.stderr.write(`${result.message}\n`);
    process.exit(2);
  }
  return { ...result.settings, DATABASE_URL: databaseUrlWithUser(result.settings.DATABASE_URL, env) };
}

/** The DATABASE_URL the commands connect to, or undefined when the settings do not parse (for error messages). */
export function databaseUrlOf(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const result = parseSettings(env);
  return result.ok ? databaseUrlWithUser(result.settings.DATABASE_URL, env) : undefined;
}
