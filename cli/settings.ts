import { parseSettings, type Settings } from '../core/settings.js';
import { databaseUrlWithUser } from '../storage/db.js';

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
