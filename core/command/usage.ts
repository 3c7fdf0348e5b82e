/**
 * One usage line per subcommand (docs/design.md#commands). Errors quote the line of the subcommand the user
 * meant; `help` replies with the lines of its command.
 */
export const USAGE = {
  'flag.help': '/flag help [<subcommand>]',
  'flag.create':
    '/flag create <key> --kind release|ops|permission|experiment --owner <team> --description "<text>" [--type boolean|string|number|json] [--variations id=value,…] [--default <id> (required with --variations)] [--off <id> (what a kill serves; required unless boolean)] [--expiry YYYY-MM-DD] [--ticket <url-or-id>]',
  'flag.show':
    '/flag show <key> [--env <env>]   (kills, overrides, rules with their ids, serving, guardrail, who changed it last)',
  'flag.list': '/flag list [--owner <team>] [--stale (past expiry or older than 90 days, with why)]',
  'flag.on': '/flag on|off <key> --env <env> [--tenant <id>] [--reason "<text>"]',
  'flag.off': '/flag on|off <key> --env <env> [--tenant <id>] [--reason "<text>"]',
  'flag.serve':
    '/flag serve <key> <variation> --env <env> [--tenant <id> | --tier <tier> (a permission flag, by tenant tier)] [--reason "<text>"]',
  'flag.rollout':
    '/flag rollout <key> <variation> --env <env> [--stages 1,5,25,50,100 | --cohorts beta,standard,enterprise] [--bake 4h] [--reason "<text>"]',
  'flag.rollout.pause': '/flag rollout pause|resume|abort|promote <key> --env <env>',
  'flag.rollout.resume': '/flag rollout pause|resume|abort|promote <key> --env <env>',
  'flag.rollout.abort': '/flag rollout pause|resume|abort|promote <key> --env <env>',
  'flag.rollout.promote': '/flag rollout pause|resume|abort|promote <key> --env <env>',
  'flag.rule.add':
    '/flag rule add <key> --env <env> --if "<attr> <op> <value> [and …]" --serve <variation> [--priority <n>]',
  'flag.rule.remove': '/flag rule remove <key> --env <env> <rule-id>',
  'flag.override': '/flag override <key> <variation> --user <id> --env <env>|--all [--ttl 1h] [--reason "<text>"]',
  'flag.kill': '/flag kill <key> [--env <env> | --all] [--tenant <id>] --reason "<text>"',
  'flag.break-glass': '/flag break-glass <key> <on|off|variation> --env <env> --reason "<text>"',
  'flag.history': '/flag history <key> [--limit <n>]',
  'flag.guardrail.set':
    '/flag guardrail set <key> --metric <name> --threshold <n> --window 5m --reason "<text>"   (one rule for the flag, watched in every environment)',
  'flag.guardrail.remove': '/flag guardrail remove <key> --reason "<text>"',
  'config.help': '/config help [<subcommand>]',
  'config.set':
    '/config set <key> <value> [--type int|number|string|boolean|enum|duration|json] [--values a,b,c (the allowed values of an enum)] [--env <env>] [--tenant <id>] [--user <id>] --reason "<text>"',
  'config.get': '/config get <key> [--env <env>] [--tenant <id>] [--user <id>]',
  'config.secret.set':
    '/config secret set <key> --env <env>   (the value is typed into a dialog, never into the command)',
  'change.help': '/change help [<subcommand>]',
  'change.list': '/change list',
  'change.show': '/change show <id>',
  'change.approve': '/change approve <id>',
  'change.reject': '/change reject <id> --reason "<text>"',
  'change.revert': '/change revert <id> --reason "<text>"',
  'change.role.grant':
    '/change role grant <@user> <role> [--env <env>] [--tenant <id>] [--until <time> (e.g. 2026-12-09T09:00Z)] --reason "<text>"',
  'change.role.revoke': '/change role revoke <@user> <role> [--env <env>] [--tenant <id>] --reason "<text>"',
  'oncall.help': '/oncall help [<subcommand>]',
  'oncall.list': '/oncall list   (who is on call in each environment, and until when)',
  'oncall.add':
    '/oncall add <@user> --env <env> [--until <time> (e.g. 2026-12-09T09:00Z)] [--reason "<text>"]   (a role grant: a second operator approves it)',
  'oncall.remove':
    '/oncall remove <@user> --env <env> [--reason "<text>"]   (a role revoke: a second operator approves it)',
  'tenant.help': '/tenant help [<subcommand>]',
  'tenant.add': '/tenant add <id> [--tier <tier> (default standard)] [--name "<text>"] [--reason "<text>"]',
  'tenant.set':
    '/tenant set <id> --tier <tier> | --name "<text>" [--reason "<text>"]   (a tenant\'s admin may rename their own; a tier is an operator\'s)',
  'tenant.list': '/tenant list',
  'cohort.help': '/cohort help [<subcommand>]',
  'cohort.create': '/cohort create <name> [--description "<text>"] [--reason "<text>"]',
  'cohort.add': '/cohort add <name> <tenant…> [--reason "<text>"]',
  'cohort.remove': '/cohort remove <name> <tenant…> [--reason "<text>"]',
  'cohort.list': '/cohort list',
  'incident.help': '/incident help [<subcommand>]',
  'incident.list': '/incident list [--open]',
  'incident.show': '/incident show <id>',
  'incident.review': '/incident review <id> --notes "<text>"   (someone other than who broke glass)',
} as const;

export type CommandName = keyof typeof USAGE;
export type SlashCommand = '/flag' | '/config' | '/change' | '/incident' | '/tenant' | '/cohort' | '/oncall';

/** The distinct usage lines of one slash command, optionally only those mentioning `topic`. */
export function usageFor(command: SlashCommand, topic?: string): string[] {
  const group = command.slice(1);
  const lines = Object.entries(USAGE)
    .filter(([name]) => name.startsWith(`${group}.`))
    .map(([, line]) => line as string);
  const distinct = [...new Set(lines)];
  if (!topic) return distinct;
  const matching = distinct.filter(
    (line) => line.split(' ')[1]?.split('|').includes(topic) || line.startsWith(`${command} ${topic} `),
  );
  return matching.length > 0 ? matching : distinct;
}
