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
}

export const okReply = (message: Message, ephemeral = true): Reply => ({ ...message, ok: true, ephemeral });
export const errorReply = (message: Message): Reply => ({ ...message, ok: false, ephemeral: true });
