import { parseSettings, type Settings } from '../core/settings.js';

/** Boot-time configuration: a bad or missing variable stops the process with one line naming it. */
export function loadSettingsOrExit(env: NodeJS.ProcessEnv = process.env): Settings {
  const result = parseSettings(env);
  if (!result.ok) {
    process.stderr.write(`${result.message}\n`);
    process.exit(2);
  }
  return result.settings;
}
