import type { App, BlockButtonAction } from '@slack/bolt';
import { ACTION } from '../../../render/action-ids.js';
import { rejectModal } from '../modals.js';
import { responsePayload, transportError } from '../reply-payload.js';
import { slackRequestId } from '../request-id.js';
import type { ListenerDeps } from './deps.js';

const DIRECT_ACTIONS = new RegExp(
  `^(${[ACTION.approve, ACTION.rolloutPause, ACTION.rolloutResume, ACTION.rolloutPromote, ACTION.rolloutAbort, ACTION.breakGlassReview].join('|')})$`,
);

/**
 * Buttons. Approve, the rollout controls and Mark reviewed act at once as the clicking user; the
 * answer (including a refusal) is ephemeral and never replaces the message, so the buttons stay
 * for others. Reject asks for a reason in a dialog first.
 */
export function registerActionListeners(app: App, deps: ListenerDeps): void {
  app.action<BlockButtonAction>(DIRECT_ACTIONS, async ({ ack, body, action, respond }) => {
    await ack();
    const replyTo = {
      transport: 'slack' as const,
      channel: body.channel?.id,
      responseUrl: body.response_url,
      user: body.user.id,
    };
    try {
      const reply = await deps.handler.handleAction({
        user: body.user.id,
        actionId: action.action_id,
        value: action.value ?? '',
        requestId: slackRequestId('action', [body.user.id, action.action_id, action.value, action.action_ts]),
        replyTo,
      });
      await respond({ ...responsePayload(reply), response_type: 'ephemeral' });
    } catch (err) {
      deps.log.error({ err, actionId: action.action_id }, 'button failed after ack');
      await respond({
        response_type: 'ephemeral',
        replace_original: false,
        ...transportError(`that click failed: ${err instanceof Error ? err.message : String(err)}`),
      }).catch(() => undefined);
    }
  });

  app.action<BlockButtonAction>(ACTION.reject, async ({ ack, body, action, client, respond }) => {
    await ack();
    try {
      await client.views.open({
        trigger_id: body.trigger_id,
        view: rejectModal(action.value ?? '', { channel: body.channel?.id, responseUrl: body.response_url }),
      });
    } catch (err) {
      deps.log.error({ err }, 'could not open the reject dialog');
      await respond({
        response_type: 'ephemeral',
        replace_original: false,
        ...transportError('could not open the reject dialog; use `/change reject <id> --reason "…"` instead'),
      }).catch(() => undefined);
    }
  });
}
