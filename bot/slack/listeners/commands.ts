import type { App } from '@slack/bolt';
import type { SlashCommand } from '../../../core/command/usage.js';
import { secretModal } from '../modals.js';
import { responsePayload, transportError } from '../reply-payload.js';
import { slackRequestId } from '../request-id.js';
import type { ListenerDeps } from './deps.js';

export const SLASH_COMMANDS: SlashCommand[] = [
  '/flag',
  '/config',
  '/change',
  '/incident',
  '/tenant',
  '/cohort',
  '/oncall',
];

/**
 * Slash commands: acknowledged first (Slack's 3-second limit), then the command layer runs and
 * its reply goes back through response_url. The request id comes from the request's identity, so
 * a redelivered command reaches the workflow it already started.
 */
export function registerCommandListeners(app: App, deps: ListenerDeps): void {
  for (const name of SLASH_COMMANDS) {
    app.command(name, async ({ command, ack, respond, client, context }) => {
      await ack();
      const requestId = slackRequestId('command', [
        command.team_id,
        command.user_id,
        command.command,
        command.text,
        command.trigger_id,
      ]);
      const replyTo = {
        transport: 'slack' as const,
        channel: command.channel_id,
        responseUrl: command.response_url,
        user: command.user_id,
      };
      try {
        const reply = await deps.handler.handleCommand({
          transport: 'slack',
          user: command.user_id,
          command: name,
          text: command.text,
          requestId,
          replyTo,
        });
        // `/config secret set …` is answered with a dialog: the value is never typed into a command.
        const secret = reply.dialog;
        if (secret) {
          if (!deps.masterKey) {
            await respond({
              response_type: 'ephemeral',
              ...transportError(
                'secrets are not enabled: SECRETS_MASTER_KEY is not set on the bot',
                'An operator sets SECRETS_MASTER_KEY (32 bytes, base64) on the bot and the worker.',
              ),
            });
            return;
          }
          // A retried delivery's trigger_id is already used: the first delivery opened the dialog.
          if (context.retryNum) return;
          await client.views.open({
            trigger_id: command.trigger_id,
            view: secretModal(secret.key, secret.env, {
              channel: command.channel_id,
              responseUrl: command.response_url,
            }),
          });
          return;
        }
        await respond(responsePayload(reply));
      } catch (err) {
        deps.log.error({ err, command: name, requestId }, 'slash command failed after ack');
        await respond({
          response_type: 'ephemeral',
          ...transportError(
            `${name} failed: ${err instanceof Error ? err.message : String(err)}`,
            `Try \`${name} help\`.`,
          ),
        }).catch(() => undefined);
      }
    });
  }
}
