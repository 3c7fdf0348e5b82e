import { parseCommand, type ParseOptions } from '../core/command/parse.js';
import { TEST_POLICY } from './policy.js';

/** parseCommand with the test deployment's environments (dev, staging, production), as a process passes its own. */
export function parseTestCommand(
  command: Parameters<typeof parseCommand>[0],
  text: string,
  options: ParseOptions = { environments: TEST_POLICY.environments },
) {
  return parseCommand(command, text, options);
}
