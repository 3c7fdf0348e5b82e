import type { Message } from '../render/blocks.js';

/**
 * What the command layer answers, whatever the transport: a rendered message, whether it reports
 * a failure, and whether only the caller should see it (Slack: an ephemeral reply).
 */
export interface Reply extends Message {
  ok: boolean;
  ephemeral: boolean;
  /** The command needs something only a dialog may collect (a secret's value): the transport opens it. */
  dialog?: { kind: 'secret'; key: string; env: string };
  /**
   * Set when the command failed for a reason of ours, not the user's: the error itself, for a
   * transport that must not show its text to callers (the HTTP API answers a 500 with a reference).
   */
  internalError?: Error;
  /**
   * Set when the command was refused for a reason the user can act on (no right to read it, no such
   * entry): its code and words, for a transport that answers with a status (the HTTP API's 403).
   */
  refusal?: { code: string; message: string };
}

export const okReply = (message: Message, ephemeral = true): Reply => ({ ...message, ok: true, ephemeral });
export const errorReply = (message: Message): Reply => ({ ...message, ok: false, ephemeral: true });
