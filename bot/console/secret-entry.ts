import type { ReplyTarget } from '../../workflows/contracts.js';
import type { CommandHandler } from '../command-handler.js';
import type { Reply } from '../reply.js';
import { NO_MASTER_KEY, requestSecretValue } from '../sealed-secret.js';
import type { Message } from '../../render/blocks.js';

export interface SecretEntryDeps {
  handler: CommandHandler;
  /** SECRETS_MASTER_KEY, decoded; without it a secret dialog only says so. */
  masterKey?: Buffer;
  write: (text: string) => void;
  show: (message: Message) => void;
  /** Who types now: the console user can change between the value and the reason (`as`). */
  who: () => { user: string; replyTo: ReplyTarget };
  newRequestId: () => string;
  /** Drops a just-typed line from the terminal's history. */
  forgetLine: (raw: string) => void;
}

export interface SecretEntry {
  /** `/config secret set` asked for a value (then a reason): the next lines are not commands. */
  readonly pending: boolean;
  /** The next line is the value itself: the terminal must not echo it. */
  readonly awaitingValue: boolean;
  /** A reply that asks for a secret's value starts the hidden prompt; false: not such a reply, show it. */
  ask(reply: Reply): boolean;
  /** One line of the entry: the value (never echoed, logged or printed), then why. */
  handleLine(raw: string): Promise<void>;
}

/**
 * The console's side of the secret dialog (bot/sealed-secret.ts): Slack asks in a modal, the
 * console on its next two lines, so the clear value never becomes a command's text.
 */
export function createSecretEntry(deps: SecretEntryDeps): SecretEntry {
  const { write } = deps;
  let pendingSecret: { key: string; env: string; value?: string } | undefined;

  return {
    get pending() {
      return pendingSecret !== undefined;
    },
    get awaitingValue() {
      return pendingSecret !== undefined && pendingSecret.value === undefined;
    },

    ask(reply) {
      const dialog = reply.dialog;
      if (dialog?.kind !== 'secret') return false;
      if (!deps.masterKey) {
        write(`${NO_MASTER_KEY}.`);
        return true;
      }
      pendingSecret = { key: dialog.key, env: dialog.env };
      write(
        `Value of ${dialog.key} in ${dialog.env}, on one line (not shown, never stored in clear; an empty line cancels):`,
      );
      return true;
    },

    async handleLine(raw) {
      const secret = pendingSecret;
      if (!secret) return;
      if (secret.value === undefined) {
        const value = raw.replace(/\r$/, '');
        // A terminal's line history would offer the value again with the up arrow.
        deps.forgetLine(raw);
        if (!value) {
          pendingSecret = undefined;
          write('Secret cancelled: no value was typed.');
          return;
        }
        secret.value = value;
        write('Why does it change? One line: a second person reads it before approving.');
        return;
      }
      pendingSecret = undefined;
      const reason = raw.trim();
      if (!reason) {
        write('Secret cancelled: a secret change needs a reason.');
        return;
      }
      const { key, env, value } = secret;
      const { user, replyTo } = deps.who();
      deps.show(
        await requestSecretValue(deps.handler, deps.masterKey!, {
          transport: 'console',
          user,
          key,
          env,
          value,
          reason,
          requestId: deps.newRequestId(),
          replyTo,
        }),
      );
    },
  };
}
