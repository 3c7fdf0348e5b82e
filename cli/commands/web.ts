import type { Command } from 'commander';
import { webStartProblem } from '../../web/settings.js';
import { loadSettingsOrExit } from '../settings.js';

/** `switchyard web`: the HTTP API on WEB_PORT. */
export function registerWebCommand(program: Command): void {
  program
    .command('web')
    .description(
      'serve the HTTP API (/api/v1, OpenAPI at /api/v1/openapi.json) on WEB_PORT, against TEMPORAL_ADDRESS; callers authenticate with `switchyard token create` tokens',
    )
    .action(async () => {
      const settings = loadSettingsOrExit();
      // Refused like a bad variable (one line, exit 2), before anything connects.
      const problem = webStartProblem(settings);
      if (problem) {
        process.stderr.write(`${problem}\n`);
        process.exit(2);
      }
      const { startWeb } = await import('../../web/server.js');
      const running = await startWeb(settings);
      process.stdout.write(`Switchyard API at ${running.url}/api/v1 (OpenAPI: ${running.url}/api/v1/openapi.json)\n`);
      const stop = async () => {
        await running.close();
        process.exit(0);
      };
      process.once('SIGINT', () => void stop());
      process.once('SIGTERM', () => void stop());
    });
}
