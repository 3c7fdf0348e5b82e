// What the console prints for `help`, and which lines it hands to the command handler.

export const CONSOLE_HELP = [
  'Type slash commands as in Slack:  /flag help   /config help   /change help   /incident help   /tenant help   /cohort help   /oncall help',
  '  /config secret set <key> --env <env> asks for the value with echo off, then for a reason',
  '  click N [reason]   press button [N] (Reject needs a reason: given here or on the next line)',
  '  as <user-id>       act as another user from now on (e.g. a second approver)',
  '  wait [seconds]     wait for the next notification (default 10 s), for scripts',
  '  help               this text',
  '  quit               leave',
].join('\n');

/** A line the command handler takes: one of the slash commands Slack has. */
export const SLASH = /^(\/flag|\/config|\/change|\/incident|\/tenant|\/cohort|\/oncall)(?:\s+([\s\S]*))?$/;
