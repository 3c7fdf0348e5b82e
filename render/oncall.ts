import { context, section, type Message } from './blocks.js';
import { formatTime, who } from './format.js';

/** One live on-call binding, as `/oncall list` shows it. */
export interface OnCallFacts {
  subject: string;
  env: string;
  /** ISO; absent: until removed. */
  until?: string;
}

/**
 * `/oncall list`: who is on call in each of `environments` (those the reader is shown) and until
 * when, so whoever needs glass broken knows whom to ask. An environment nobody is on call for says
 * so: break-glass is refused there.
 */
export function renderOnCallList(onCall: readonly OnCallFacts[], environments: readonly string[]): Message {
  const lines = environments.map((env) => {
    const here = onCall.filter((o) => o.env === env);
    const people = here.map((o) => `${who(o.subject)} (${o.until ? `until ${formatTime(o.until)}` : 'until removed'})`);
    return `*${env}*: ${people.join(', ') || 'nobody (break-glass is refused here)'}`;
  });
  const shown = onCall.filter((o) => environments.includes(o.env));
  const text = shown.length
    ? `On call in ${environments.join(', ')}`
    : `Nobody is on call in ${environments.join(', ') || 'any environment you read'}.`;
  return {
    text,
    blocks: [
      section(`*${text}*`),
      ...(lines.length ? [section(lines.join('\n'))] : []),
      context(
        'Only someone on call in an environment may `/flag break-glass` there. `/oncall add <@user> --env <env> [--until <time>]` and `/oncall remove` are role changes: a second operator approves them.',
      ),
    ],
  };
}
