import { sealSecret } from '../core/secrets/envelope.js';
import { secretPlaceOf } from '../core/secrets/sealed-entry.js';
import type { ReplyTarget } from '../workflows/contracts.js';
import type { CommandHandler, CommandInput } from './command-handler.js';
import type { Reply } from './reply.js';

/** Said by every transport that cannot seal: one line, and what fixes it. */
export const NO_MASTER_KEY =
  'secrets are not enabled here: SECRETS_MASTER_KEY is not set (an operator sets the same 32-byte base64 key on the bot, the worker and the evaluator)';

export interface SecretValueInput {
  transport: CommandInput['transport'];
  user: string;
  key: string;
  env: string;
  /** The clear value, as typed with echo off or read from standard input; it goes no further than this function. */
  value: string;
  reason: string;
  requestId: string;
  replyTo: ReplyTarget;
}

/**
 * The path every transport's secret takes once it has the value (the console's hidden prompt,
 * `switchyard secret set`; Slack's dialog does the same in bot/slack/listeners/views.ts): seal it
 * at once for this key and environment with SECRETS_MASTER_KEY, then hand only the envelope to
 * `/config secret set` through the one command handler, which requests the change.
 */
export async function requestSecretValue(
  handler: CommandHandler,
  masterKey: Buffer,
  input: SecretValueInput,
): Promise<Reply> {
  const envelope = sealSecret(masterKey, input.value, secretPlaceOf(input.key, { env: input.env }));
  return handler.handleCommand({
    transport: input.transport,
    user: input.user,
    command: '/config',
    text: `secret set ${input.key} --env ${input.env}`,
    requestId: input.requestId,
    replyTo: input.replyTo,
    sealed: { envelope, reason: input.reason },
  });
}
