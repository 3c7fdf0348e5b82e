import type { Reply } from '../reply.js';
import type { Message } from '../../render/blocks.js';

/** A command-layer reply as a response_url payload: errors and private answers stay ephemeral. */
export function responsePayload(reply: Reply) {
  return {
    response_type: reply.ephemeral ? ('ephemeral' as const) : ('in_channel' as const),
    replace_original: false,
    text: reply.text,
    blocks: reply.blocks,
  };
}

/** An ephemeral answer for a failure in the transport itself (never a stack trace). */
export function transportError(message: string, detail?: string): Message {
  const blocks: Message['blocks'] = [{ type: 'section', text: { type: 'mrkdwn', text: `:warning: ${message}` } }];
  if (detail) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: detail }] });
  return { text: message, blocks };
}
