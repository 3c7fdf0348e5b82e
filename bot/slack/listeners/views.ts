import type { App, webApi } from '@slack/bolt';
import { sealSecret } from '../../../core/secrets/envelope.js';
import { ACTION } from '../../../render/action-ids.js';
import type { Message } from '../../../render/blocks.js';
import {
  inputValue,
  REASON_BLOCK,
  REASON_INPUT,
  REJECT_MODAL,
  SECRET_BLOCK,
  SECRET_INPUT,
  SECRET_MODAL,
  type ModalOrigin,
} from '../modals.js';
import { responsePayload, transportError } from '../reply-payload.js';
import { slackRequestId } from '../request-id.js';
import type { ListenerDeps } from './deps.js';

/** A dialog has no response_url of its own: answer through the originating command's or button's, else ephemerally in its channel. */
async function answer(client: webApi.WebClient, origin: ModalOrigin, user: string, message: Message): Promise<void> {
  if (origin.responseUrl) {
    const res = await fetch(origin.responseUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        response_type: 'ephemeral',
        replace_original: false,
        text: message.text,
        blocks: message.blocks,
      }),
    });
    if (res.ok) return;
  }
  if (origin.channel)
    await client.chat.postEphemeral({
      channel: origin.channel,
      user,
      text: message.text,
      blocks: message.blocks as never,
    });
}

function metadata<T>(raw: string): T & ModalOrigin {
  try {
    return JSON.parse(raw) as T & ModalOrigin;
  } catch {
    return {} as T & ModalOrigin;
  }
}

/**
 * Dialog submissions. Missing input is refused inside the dialog (`response_action: 'errors'`),
 * so the user fixes it where they typed; everything else is acknowledged before the slow work.
 */
export function registerViewListeners(app: App, deps: ListenerDeps): void {
  app.view(REJECT_MODAL, async ({ ack, body, view, client }) => {
    const reason = inputValue(view.state, REASON_BLOCK, REASON_INPUT);
    if (!reason) {
      await ack({
        response_action: 'errors',
        errors: { [REASON_BLOCK]: 'Say why you reject it: the requester reads this.' },
      });
      return;
    }
    await ack();
    const meta = metadata<{ workflowId: string }>(view.private_metadata);
    const reply = await deps.handler.handleAction({
      user: body.user.id,
      actionId: ACTION.reject,
      value: meta.workflowId ?? '',
      reason,
      requestId: slackRequestId('reject', [body.user.id, meta.workflowId, view.id]),
      replyTo: { transport: 'slack', channel: meta.channel, responseUrl: meta.responseUrl, user: body.user.id },
    });
    await answer(client, meta, body.user.id, responsePayload(reply)).catch((err) =>
      deps.log.error({ err }, 'could not deliver the reject answer'),
    );
  });

  app.view(SECRET_MODAL, async ({ ack, body, view, client }) => {
    const value = inputValue(view.state, SECRET_BLOCK, SECRET_INPUT);
    const reason = inputValue(view.state, REASON_BLOCK, REASON_INPUT);
    const errors: Record<string, string> = {};
    if (!value) errors[SECRET_BLOCK] = 'Type the secret value.';
    if (!reason) errors[REASON_BLOCK] = 'Secrets always need a second person: say why it changes.';
    if (Object.keys(errors).length) {
      await ack({ response_action: 'errors', errors });
      return;
    }
    const meta = metadata<{ key: string; env: string }>(view.private_metadata);
    if (!deps.masterKey) {
      await ack({
        response_action: 'errors',
        errors: { [SECRET_BLOCK]: 'Secrets are not enabled on this bot (SECRETS_MASTER_KEY is not set).' },
      });
      return;
    }
    // Sealed before anything else happens, for this key and environment only: only the envelope enters Temporal, Postgres and logs.
    const envelope = sealSecret(deps.masterKey, value, { key: meta.key, env: meta.env });
    await ack();
    try {
      // The dialog's key and environment go back through the one grammar and command handler.
      const reply = await deps.handler.handleCommand({
        transport: 'slack',
        user: body.user.id,
        command: '/config',
        text: `secret set ${meta.key} --env ${meta.env}`,
        requestId: slackRequestId('secret', [body.user.id, meta.key, meta.env, view.id]),
        replyTo: { transport: 'slack', channel: meta.channel, responseUrl: meta.responseUrl, user: body.user.id },
        sealed: { envelope, reason },
      });
      await answer(client, meta, body.user.id, responsePayload(reply));
    } catch (err) {
      deps.log.error(
        { err: err instanceof Error ? err.message : String(err), key: meta.key },
        'secret change could not be requested',
      );
      await answer(
        client,
        meta,
        body.user.id,
        transportError(
          `the secret change for \`${meta.key}\` could not be requested: ${err instanceof Error ? err.message : String(err)}`,
        ),
      ).catch(() => undefined);
    }
  });
}
