import type { Command } from 'commander';
import { createLogger } from '../../storage/logger.js';
import { loadSettingsOrExit } from '../settings.js';
import { withStorage } from './shared.js';

/** `switchyard migrate`: the database schema, and the environments of ENVIRONMENTS. */
export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('apply database migrations (creates the database when missing)')
    .action(async () => {
      const settings = loadSettingsOrExit();
      const { migrate } = await import('../../storage/migrate.js');
      const applied = await migrate(settings.DATABASE_URL, { log: createLogger(settings.LOG_LEVEL, 'migrate') });
      await withStorage(async ({ deps }) => {
        const { ensureEnvironments } = await import('../../storage/environments.js');
        await ensureEnvironments(deps.pool, settings.ENVIRONMENTS);
      });
      console.log(
        applied.length
          ? `applied ${applied.length} migration(s): ${applied.join(', ')}`
          : 'database schema is up to date',
      );
    });
}
