import { CommandError } from '../core/command/errors.js';
import { CHANGE_REQUEST_COMMANDS, READ_COMMANDS, ROLLOUT_CONTROL_COMMANDS } from '../core/command/kinds.js';
import { parseCommand } from '../core/command/parse.js';
import type { Command } from '../core/command/schema.js';
import { ForbiddenError, SwitchyardError, ValidationError } from '../core/errors.js';
import { readRefusal, readsAnything, type DataScope } from '../core/read-access.js';
import { requestChange } from './change-requests.js';
import { decideChange, reviewBreakGlass } from './decisions.js';
import { answerIncident, type IncidentCommand } from './incident-commands.js';
import { answerRead, type ReadCommand } from './read-commands.js';
import { liveReadScope } from './read-scope.js';
import { ACTION, ROLLOUT_ACTIONS } from '../render/action-ids.js';
import { renderError, renderHelp, renderNotice } from '../render/replies.js';
import { errorReply, okReply, type Reply } from './reply.js';
import { refuseRevertDuringRollout } from './revert-guard.js';
import { controlOf, controlRollout, type RolloutControlCommand } from './rollout-control.js';
import { changeWorkflowId, expectWorkflowId, isBreakGlassWorkflow } from './workflow-refs.js';
import type { CommandHandler, CommandHandlerDeps, CommandInput } from './command-contract.js';

// Importers keep reaching the contract through this module, where it was first declared.
export type { ActionInput, CommandHandler, CommandHandlerDeps, CommandInput } from './command-contract.js';

/** The place a read names (`--env`, `--tenant`), so a refusal can say which scope is missing; none: any. */
function placeAskedFor(command: Command): DataScope | undefined {
  const { env, tenant } = command as { env?: unknown; tenant?: unknown };
  if (typeof env !== 'string') return undefined;
  return { env, ...(typeof tenant === 'string' ? { tenant } : {}) };
}

/**
 * The one entry point of every transport (Slack, console): parses the command, answers reads
 * from storage, hands changes to the change-request workflow and decisions to its updates. Never
 * throws: every failure comes back as an error Reply the user can act on.
 *
 * @example
 * const handler = createCommandHandler({ client, taskQueue: 'switchyard', pool, log, environments, policy: policyOf(settings) });
 * const reply = await handler.handleCommand({ transport: 'console', user: 'U1', command: '/flag', text: 'show checkout', requestId: 'r1', replyTo: { transport: 'console', user: 'U1' } });
 */
export function createCommandHandler(deps: CommandHandlerDeps): CommandHandler {
  const now = deps.now ?? (() => new Date());
  const waitMs = deps.waitMs ?? 5000;
  const links = { consoleUrl: deps.consoleUrl };
  const changeDeps = { client: deps.client, taskQueue: deps.taskQueue, waitMs, ...links };

  const failed = (err: unknown, what: Record<string, unknown>): Reply => {
    if (err instanceof SwitchyardError)
      return { ...errorReply(renderError(err.message)), refusal: { code: err.code, message: err.message } };
    deps.log.error({ err, ...what }, 'command failed');
    return {
      ...errorReply(
        renderError(
          `something went wrong: ${err instanceof Error ? err.message : String(err)} (the details are in the bot's log)`,
        ),
      ),
      internalError: err instanceof Error ? err : new Error(String(err)),
    };
  };

  async function run(input: CommandInput, command: Command): Promise<Reply> {
    if (
      command.name === 'flag.help' ||
      command.name === 'config.help' ||
      command.name === 'change.help' ||
      command.name === 'incident.help' ||
      command.name === 'tenant.help' ||
      command.name === 'cohort.help' ||
      command.name === 'oncall.help'
    )
      return okReply(renderHelp(command.text));
    // Every read is judged on the reader's live bindings; someone who covers nothing reads nothing.
    const scope = READ_COMMANDS.has(command.name)
      ? await liveReadScope({ pool: deps.pool, log: deps.log, policy: deps.policy, now }, input.user)
      : undefined;
    if (scope && !readsAnything(scope)) throw new ForbiddenError(readRefusal(scope, placeAskedFor(command)));
    if (command.name === 'incident.list' || command.name === 'incident.show' || command.name === 'incident.review') {
      return okReply(
        await answerIncident(command as IncidentCommand, input.user, {
          client: deps.client,
          pool: deps.pool,
          now,
          scope,
        }),
        command.name !== 'incident.review',
      );
    }
    if (scope)
      return okReply(
        await answerRead(command as ReadCommand, {
          client: deps.client,
          pool: deps.pool,
          environments: deps.environments,
          now,
          scope,
          ...links,
        }),
      );
    if (ROLLOUT_CONTROL_COMMANDS.has(command.name)) {
      const { key, env } = command as RolloutControlCommand;
      return okReply(
        await controlRollout(deps.client, input.user, controlOf(command as RolloutControlCommand), {
          flagKey: key,
          env,
        }),
        false,
      );
    }
    if (command.name === 'change.approve' || command.name === 'change.reject') {
      const workflowId = changeWorkflowId(command.id);
      const reason = command.name === 'change.reject' ? command.reason : undefined;
      if (isBreakGlassWorkflow(workflowId)) {
        if (command.name === 'change.reject')
          throw new ValidationError(
            'a break-glass change is already applied: review it (approve) or request the old state again',
          );
        return okReply(await reviewBreakGlass(deps.client, workflowId, { user: input.user }), false);
      }
      return okReply(
        await decideChange(
          deps.client,
          workflowId,
          { approve: command.name === 'change.approve', user: input.user, reason },
          links,
        ),
        false,
      );
    }
    if (command.name === 'config.secret.set') {
      // A secret is never typed into a command: without a sealed value, the transport asks for it in a dialog.
      const { key, env } = command;
      if (input.sealed) {
        const sealed = { ...command, envelope: input.sealed.envelope };
        return okReply(
          await requestChange(changeDeps, {
            user: input.user,
            requestId: input.requestId,
            command: sealed,
            reason: input.sealed.reason,
            replyTo: input.replyTo,
          }),
        );
      }
      // Slack opens a dialog; the console asks with echo off and the CLI reads standard input (bot/sealed-secret.ts).
      return {
        ...okReply(renderNotice(`Type the value of \`${key}\` in ${env} into the dialog.`)),
        dialog: { kind: 'secret', key, env },
      };
    }
    if (command.name === 'change.revert') await refuseRevertDuringRollout(deps, command.id);
    if (CHANGE_REQUEST_COMMANDS.has(command.name)) {
      return okReply(
        await requestChange(changeDeps, {
          user: input.user,
          requestId: input.requestId,
          command,
          replyTo: input.replyTo,
        }),
      );
    }
    throw new ValidationError(`${command.name} is not handled here`);
  }

  return {
    async handleCommand(input) {
      let command: Command;
      try {
        command = parseCommand(input.command, input.text, { environments: deps.environments });
      } catch (err) {
        if (err instanceof CommandError) return errorReply(renderError(err.message));
        return failed(err, { command: input.command, text: input.text });
      }
      try {
        return await run(input, command);
      } catch (err) {
        return failed(err, { command: command.name, user: input.user, requestId: input.requestId });
      }
    },

    async handleAction(input) {
      try {
        switch (input.actionId) {
          case ACTION.approve:
          case ACTION.reject:
            return okReply(
              await decideChange(
                deps.client,
                expectWorkflowId(input.value, 'change'),
                { approve: input.actionId === ACTION.approve, user: input.user, reason: input.reason },
                links,
              ),
              false,
            );
          case ACTION.breakGlassReview:
            return okReply(
              await reviewBreakGlass(deps.client, expectWorkflowId(input.value, 'break-glass'), {
                user: input.user,
                notes: input.reason,
              }),
              false,
            );
          case ACTION.rolloutPause:
          case ACTION.rolloutResume:
          case ACTION.rolloutPromote:
          case ACTION.rolloutAbort:
            return okReply(
              await controlRollout(deps.client, input.user, ROLLOUT_ACTIONS[input.actionId], {
                workflowId: expectWorkflowId(input.value, 'rollout'),
              }),
              false,
            );
          default:
            return errorReply(renderError(`unknown button \`${input.actionId}\``));
        }
      } catch (err) {
        return failed(err, { actionId: input.actionId, user: input.user, value: input.value });
      }
    },
  };
}
