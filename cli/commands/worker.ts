import type { Command } from 'commander';
import { temporalAddress } from '../../bot/temporal-connection.js';
import { createLogger } from '../../storage/logger.js';
import { loadSettingsOrExit } from '../settings.js';

/** `switchyard worker`: the Temporal worker. */
export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('run the Temporal worker (workflows and activities) against TEMPORAL_ADDRESS')
    .action(async () => {
      const settings = loadSettingsOrExit();
      try {
        temporalAddress(settings, '`switchyard worker`');
      } catch (err) {
        console.error(err instanceof Error ? err.message : String(err));
        process.exit(2);
      }
      const { runWorker } = await import('../worker.js');
      await runWorker({ settings, log: createLogger(settings.LOG_LEVEL, 'worker') });
    });
}
