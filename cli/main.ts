import { Command } from 'commander';
import { SwitchyardError } from '../core/errors.js';
import { registerCommands } from './commands/index.js';
import { databaseUrlOf } from './settings.js';

/**
 * The `switchyard` command. Each subcommand loads only what it needs, so `schema` or `--help`
 * never opens a database connection.
 */
const program = new Command('switchyard')
  .description('Chat-ops change management: flags, dynamic config and secrets, governed and audited.')
  .showHelpAfterError();

registerCommands(program);

program.parseAsync().catch(async (error: unknown) => {
  // A Postgres that cannot be reached or logged in to is one line, whichever command met it.
  const { postgresConnectionProblem } = await import('../storage/db.js');
  const databaseUrl = databaseUrlOf();
  const problem = databaseUrl === undefined ? undefined : postgresConnectionProblem(error, databaseUrl);
  if (problem) error = problem;
  if (error instanceof SwitchyardError) {
    console.error(`error: ${error.message}`);
    process.exit(1);
  }
  console.error(error);
  process.exit(1);
});
