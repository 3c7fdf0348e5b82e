import { Args, type Subcommand } from './args.js';
import { CHANGE_SUBCOMMANDS } from './change-grammar.js';
import { CONFIG_SUBCOMMANDS } from './config-grammar.js';
import { CommandError } from './errors.js';
import { FLAG_SUBCOMMANDS } from './flag-grammar.js';
import { COHORT_SUBCOMMANDS } from './cohort-grammar.js';
import { INCIDENT_SUBCOMMANDS } from './incident-grammar.js';
import { ONCALL_SUBCOMMANDS } from './oncall-grammar.js';
import { commandSchema, type Command } from './schema.js';
import { TENANT_SUBCOMMANDS } from './tenant-grammar.js';
import { tokenize, UnterminatedQuoteError, type Token } from './tokenize.js';
import { USAGE, usageFor, type SlashCommand } from './usage.js';

export interface ParseOptions {
  /** The environments `--env` accepts, ordered by risk (settings ENVIRONMENTS; docs/design.md#policy). */
  environments: readonly string[];
}

const GRAMMAR: Record<SlashCommand, Subcommand[]> = {
  '/flag': FLAG_SUBCOMMANDS,
  '/config': CONFIG_SUBCOMMANDS,
  '/change': CHANGE_SUBCOMMANDS,
  '/incident': INCIDENT_SUBCOMMANDS,
  '/tenant': TENANT_SUBCOMMANDS,
  '/cohort': COHORT_SUBCOMMANDS,
  '/oncall': ONCALL_SUBCOMMANDS,
};

type SlashName = SlashCommand extends `/${infer N}` ? N : never;

function word(token: Token | undefined): string | undefined {
  return token && !token.quoted ? token.text.toLowerCase() : undefined;
}

/** The subcommand whose words open the text; the longest wins (`rollout pause` over `rollout`). */
function match(subcommands: Subcommand[], tokens: Token[]): Subcommand | undefined {
  return subcommands
    .filter((s) => s.path.every((w, i) => word(tokens[i]) === w))
    .sort((a, b) => b.path.length - a.path.length)[0];
}

/**
 * Parses a slash command as Slack delivers it (the command, and the text after it) into a typed
 * Command. Throws a CommandError whose message names the bad part and shows the usage line.
 *
 * Control words win over flag keys: `/flag rollout pause <key>` always pauses, so a flag named
 * `pause` cannot be rolled out with this grammar.
 *
 * @example
 * parseCommand('/flag', 'on checkout-v2 --env staging --reason "QA sign-off"', { environments: policy.environments })
 * // { name: 'flag.on', key: 'checkout-v2', env: 'staging', reason: 'QA sign-off' }
 */
export function parseCommand(command: SlashCommand, text: string, options: ParseOptions): Command {
  const subcommands = GRAMMAR[command];
  if (!subcommands) {
    throw new CommandError(
      `unknown command \`${String(command)}\``,
      Object.keys(GRAMMAR)
        .map((slash) => `${slash} help`)
        .join('\n'),
    );
  }
  let tokens: Token[];
  try {
    tokens = tokenize(text);
  } catch (error) {
    if (error instanceof UnterminatedQuoteError) throw new CommandError(error.message, usageFor(command).join('\n'));
    throw error;
  }

  const first = word(tokens[0]);
  if (first === undefined || first === 'help') {
    const topic = tokens[1]?.text;
    const name = `${command.slice(1)}.help` as `${SlashName}.help`;
    return { name, topic, text: usageFor(command, topic).join('\n') };
  }

  const subcommand = match(subcommands, tokens);
  if (!subcommand) {
    const family = subcommands.filter((s) => s.path[0] === first);
    const what =
      family.length > 0
        ? tokens
            .slice(0, 2)
            .map((t) => t.text)
            .join(' ')
        : tokens[0]!.text;
    const usage = family.length > 0 ? [...new Set(family.map((s) => USAGE[s.name]))] : usageFor(command);
    throw new CommandError(`unknown subcommand \`${what}\``, usage.join('\n'));
  }

  const usage = USAGE[subcommand.name];
  const args = new Args(tokens.slice(subcommand.path.length), subcommand.options, usage, options.environments);
  const built = subcommand.build(args);
  args.noExtraPositionals();
  const checked = commandSchema.safeParse(built);
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    throw new CommandError(`\`${issue.path.join('.') || subcommand.name}\` ${issue.message}`, usage);
  }
  return checked.data;
}
