import type { Client } from '@temporalio/client';
import type { SlashCommand } from '../core/command/usage.js';
import type { SecretEnvelope } from '../core/secrets/envelope.js';
import type { Logger } from '../core/logger.js';
import type { Policy } from '../core/policy.js';
import type { Pool } from '../storage/db.js';
import type { ReplyTarget } from '../workflows/contracts.js';
import type { Reply } from './reply.js';

// What every transport (Slack, console, web, CLI) hands the command handler and gets back, apart
// from how the handler answers: transports and tests depend on this shape, not on the dispatch.

export interface CommandHandlerDeps {
  client: Client;
  taskQueue: string;
  pool: Pool;
  log: Logger;
  /** Environments in risk order (settings ENVIRONMENTS). */
  environments: readonly string[];
  /** Which environments are production (policyOf(settings), built once per process): reads are judged on it. */
  policy: Policy;
  now?: () => Date;
  /** How long a changing command waits for its outcome before answering; default 5 s. */
  waitMs?: number;
  /** Settings WEB_PUBLIC_URL: set, replies about a change request link to its page in the web console. */
  consoleUrl?: string;
}

export interface CommandInput {
  transport: 'slack' | 'console';
  user: string;
  command: SlashCommand;
  text: string;
  /** Idempotency key: a retried delivery of the same request reaches the same workflow. */
  requestId: string;
  replyTo: ReplyTarget;
  /**
   * For `/config secret set`: the value the user typed into the transport's dialog, already
   * sealed (the clear value never reaches the command layer), and the dialog's justification.
   */
  sealed?: { envelope: SecretEnvelope; reason: string };
}

export interface ActionInput {
  user: string;
  actionId: string;
  /** The button's value: the workflow id it acts on. */
  value: string;
  requestId: string;
  replyTo: ReplyTarget;
  /** Required for Reject; optional notes for a review. */
  reason?: string;
}

export interface CommandHandler {
  handleCommand(input: CommandInput): Promise<Reply>;
  handleAction(input: ActionInput): Promise<Reply>;
}
