import { CommanderError, type Command } from 'commander';

const collect = (value: string, previous: string[] = []) => [...previous, value];

/**
 * `switchyard lint [path]`: flags as code checked in CI, from the files alone (no database).
 * Exit 1 on errors (or warnings with --strict), 0 otherwise, 2 on bad options.
 */
export function registerLintCommand(program: Command): void {
  program
    .command('lint [path]')
    .description(
      'check flags/config as code (as import reads them) for schema errors, expired or stale flags and readiness; with --code, for flags no code uses and keys that are no flag',
    )
    .option('--format <format>', 'text, json or github (GitHub Actions annotations)', 'text')
    .option('--strict', 'treat warnings as errors')
    .option('--max-age-days <days>', 'warn about release/experiment flags created longer ago (default 90)')
    .option('--code <dir>', 'scan TS/JS source below this directory for the flag keys it reads')
    .option(
      '--code-pattern <regex>',
      'also find flag keys with this regular expression (one capture group: the key), in any file below --code; repeatable',
      collect,
    )
    // A misused option is exit 2, like a bad value, so CI tells "misconfigured" from "flags need work".
    .showHelpAfterError(false)
    .exitOverride((error: CommanderError) => process.exit(error.exitCode === 0 ? 0 : 2))
    .action(
      async (
        path: string | undefined,
        opts: { format: string; strict?: boolean; maxAgeDays?: string; code?: string; codePattern?: string[] },
      ) => {
        const { runLint, LintUsageError } = await import('../lint-command.js');
        try {
          const run = await runLint(path ?? '.', opts);
          if (run.output) console.log(run.output);
          process.exitCode = run.exitCode;
        } catch (error) {
          if (!(error instanceof LintUsageError)) throw error;
          console.error(`error: ${error.message}`);
          process.exitCode = 2;
        }
      },
    );
}
