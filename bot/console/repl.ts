import { randomBytes } from 'node:crypto';
import type { Readable, Writable } from 'node:stream';
import type { NotificationEvent } from '../../activities/notification-event.js';
import type { SlashCommand } from '../../core/command/usage.js';
import type { Logger } from '../../core/logger.js';
import type { Pool } from '../../storage/db.js';
import type { ReplyTarget } from '../../workflows/contracts.js';
import type { CommandHandler } from '../command-handler.js';
import type { Reply } from '../reply.js';
import { ACTION } from '../../render/action-ids.js';
import type { ButtonElement, Message } from '../../render/blocks.js';
import { renderNotification, type ConsoleLinks } from '../../render/notifications.js';
import { blocksToText } from './blocks-to-text.js';
import { CONSOLE_HELP, SLASH } from './console-help.js';
import { watchOutbox, type OutboxFeed } from './outbox-feed.js';
import { createSecretEntry } from './secret-entry.js';
import { openConsoleReadline } from './terminal.js';

export interface ConsoleOptions extends ConsoleLinks {
  user: string;
  handler: CommandHandler;
  /** For notifications (the outbox); omit to see command replies only. */
  pool?: Pool;
  input: Readable;
  output: Writable;
  log: Logger;
  /** SECRETS_MASTER_KEY, decoded: `/config secret set` asks for the value with echo off and seals it. Without it, that command says so. */
  masterKey?: Buffer;
}

/** Buttons whose action needs a reason before it is sent. */
const NEEDS_REASON = new Set<string>([ACTION.reject]);

/** A request id per typed line: the same line typed twice is two requests, as in Slack. */
const newRequestId = () => `con-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;

/**
 * The local console transport (docs/architecture.md#layers): slash commands typed in a terminal go through the same
 * command handler as Slack; replies and outbox notifications are printed as text with numbered
 * buttons. Works on piped stdin; resolves when input ends or the user types `quit`.
 */
export async function runConsole(options: ConsoleOptions): Promise<void> {
  const { handler, output, log } = options;
  let user = options.user;
  const buttons = new Map<number, ButtonElement>();
  let nextButton = 1;
  let pendingReject: ButtonElement | undefined;
  /** While a secret is typed on a terminal, nothing readline echoes reaches the screen. */
  let muted = false;
  const notificationWaiters: Array<() => void> = [];
  // Set once readline exists: a notification printed mid-prompt redraws the prompt below it.
  let reprompt = () => {};
  const replyTo = (): ReplyTarget => ({ transport: 'console', channel: 'console', user });

  const write = (text: string) => output.write(`${text}\n`);
  const show = (message: Message) => {
    write(
      blocksToText(message, (button) => {
        const n = nextButton++;
        buttons.set(n, button);
        return n;
      }),
    );
  };

  let feed: OutboxFeed | undefined;
  if (options.pool) {
    feed = await watchOutbox({
      pool: options.pool,
      log,
      onEvent: (event: NotificationEvent) => {
        write(`\n--- notification (${event.kind.replaceAll('_', ' ')}) ---`);
        show(renderNotification(event, { consoleUrl: options.consoleUrl }));
        write('---');
        notificationWaiters.splice(0).forEach((wake) => wake());
        reprompt();
      },
    });
  }

  const press = async (button: ButtonElement, reason?: string) => {
    write(`(${user} clicks ${button.text.text})`);
    show(
      await handler.handleAction({
        user,
        actionId: button.action_id,
        value: button.value,
        requestId: newRequestId(),
        replyTo: replyTo(),
        reason,
      }),
    );
  };

  const waitForNotification = (seconds: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        write(`(no notification within ${seconds} s)`);
        resolve();
      }, seconds * 1000);
      notificationWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });

  const secret = createSecretEntry({
    handler,
    masterKey: options.masterKey,
    write,
    show,
    who: () => ({ user, replyTo: replyTo() }),
    newRequestId,
    forgetLine: (raw) => {
      const history = (rl as unknown as { history?: string[] }).history;
      if (history?.[0] === raw) history.shift();
    },
  });
  const showReply = (reply: Reply) => {
    if (!secret.ask(reply)) show(reply);
  };

  /** Returns false when the session should end. */
  const handleLine = async (raw: string): Promise<boolean> => {
    if (secret.pending) {
      if (muted) {
        // The Enter that ended the hidden value was not echoed either.
        muted = false;
        output.write('\n');
      }
      await secret.handleLine(raw);
      return true;
    }
    const line = raw.trim();
    if (pendingReject) {
      const button = pendingReject;
      pendingReject = undefined;
      if (!line) {
        write('Reject cancelled: a rejection needs a reason.');
        return true;
      }
      await press(button, line);
      return true;
    }
    if (!line || line.startsWith('#')) return true;
    const slash = SLASH.exec(line);
    if (slash) {
      showReply(
        await handler.handleCommand({
          transport: 'console',
          user,
          command: slash[1] as SlashCommand,
          text: slash[2] ?? '',
          requestId: newRequestId(),
          replyTo: replyTo(),
        }),
      );
      return true;
    }
    const [word, ...rest] = line.split(/\s+/);
    switch (word!.toLowerCase()) {
      case 'click': {
        const n = Number(rest[0]);
        const button = buttons.get(n);
        if (!Number.isInteger(n) || !button) {
          write(
            buttons.size
              ? `No button [${rest[0] ?? ''}]: pick one of ${[...buttons.keys()].slice(-10).join(', ')}.`
              : 'There is no button to click yet.',
          );
          return true;
        }
        const reason = line.replace(/^\S+\s+\S+\s*/, '').trim() || undefined;
        if (NEEDS_REASON.has(button.action_id) && !reason) {
          pendingReject = button;
          write('Reason for rejecting (one line):');
          return true;
        }
        await press(button, reason);
        return true;
      }
      case 'as':
        if (!rest[0]) {
          write(`You are ${user}. Type \`as <user-id>\` to switch.`);
          return true;
        }
        user = rest[0];
        write(`You are now ${user}.`);
        return true;
      case 'wait':
        await waitForNotification(Number(rest[0]) > 0 ? Number(rest[0]) : 10);
        return true;
      case 'help':
      case '?':
        write(CONSOLE_HELP);
        return true;
      case 'quit':
      case 'exit':
        return false;
      default:
        write(
          `Unknown input \`${word}\`: start with /flag, /config, /change, /incident, /tenant, /cohort or /oncall, or type help.`,
        );
        return true;
    }
  };

  // Its echo is shut while a secret's value is typed (muted).
  const { rl, interactive } = openConsoleReadline(options.input, output, () => muted);
  write(`Switchyard console as ${user}. Type help for commands, quit to leave.`);
  const prompt = () => {
    if (!interactive) return;
    if (secret.awaitingValue) {
      // Written past readline, which stays muted: a redrawn prompt must not redraw what was typed so far.
      muted = true;
      output.write('secret (hidden)> ');
      rl.setPrompt('');
      rl.prompt();
      return;
    }
    muted = false;
    rl.setPrompt(pendingReject || secret.pending ? 'reason> ' : `${user}> `);
    rl.prompt();
  };
  reprompt = prompt;
  try {
    prompt();
    // for-await handles one line at a time: a piped script runs in order, each step finished before the next.
    for await (const line of rl) {
      let keepGoing = true;
      try {
        keepGoing = await handleLine(line);
      } catch (err) {
        log.error({ err }, 'console line failed');
        write(`error: ${err instanceof Error ? err.message : String(err)}`);
      }
      if (!keepGoing) break;
      prompt();
    }
  } finally {
    rl.close();
    await feed?.stop();
  }
}
