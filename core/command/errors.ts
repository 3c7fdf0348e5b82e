import { SwitchyardError } from '../errors.js';

/**
 * A command the user typed that we cannot run as written. The message is what the user sees:
 * one line naming the bad part, then the usage of the subcommand they meant.
 */
export class CommandError extends SwitchyardError {
  constructor(
    readonly problem: string,
    readonly usage: string,
  ) {
    super(`${problem}\n${usage.includes('\n') ? `Usage:\n${usage}` : `Usage: ${usage}`}`, 'BAD_COMMAND', 400);
  }
}
