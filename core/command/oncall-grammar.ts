import type { Args, Subcommand } from './args.js';
import { untilOption } from './change-grammar.js';
import { normalizeUser } from './option-values.js';

const subject = (a: Args) => a.read('<@user>', a.positional(0, '<@user>'), normalizeUser);

/**
 * The /oncall grammar: who is on call, per environment (docs/design.md#break-glass). Adding and
 * removing someone is a grant or revoke of the `oncall` role there, so it is a role change like
 * `/change role grant|revoke` and waits for a second operator. A rotation is routine, so the
 * justification defaults to saying what it is; `--reason` says more.
 */
export const ONCALL_SUBCOMMANDS: Subcommand[] = [
  { path: ['list'], name: 'oncall.list', options: {}, build: () => ({ name: 'oncall.list' }) },
  {
    path: ['add'],
    name: 'oncall.add',
    options: { env: 'value', until: 'value', reason: 'value' },
    build: (a) => {
      const user = subject(a);
      const env = a.env();
      const until = untilOption(a);
      const reason =
        a.option('reason') ?? `on-call rotation: ${user} on call in ${env}${until ? ` until ${until}` : ''}`;
      return { name: 'oncall.add', subject: user, env, until, reason };
    },
  },
  {
    path: ['remove'],
    name: 'oncall.remove',
    options: { env: 'value', reason: 'value' },
    build: (a) => {
      const user = subject(a);
      const env = a.env();
      const reason = a.option('reason') ?? `on-call rotation: ${user} off call in ${env}`;
      return { name: 'oncall.remove', subject: user, env, reason };
    },
  },
];
