import { randomBytes } from 'node:crypto';
import { CHANGE_REQUEST_COMMANDS, READ_COMMANDS, ROLLOUT_CONTROL_COMMANDS } from '../core/command/kinds.js';
import { parseCommand } from '../core/command/parse.js';
import type { Command } from '../core/command/schema.js';
import type { SlashCommand } from '../core/command/usage.js';
import { ForbiddenError, ValidationError } from '../core/errors.js';
import type { Message } from '../render/blocks.js';
import { changeWorkflowId, isBreakGlassWorkflow } from '../bot/workflow-refs.js';
import { changeRequestStateQuery, workflowIds, type ChangeRequestState } from '../workflows/contracts.js';
import type { ApiDeps } from './api-deps.js';
import type { Outcome } from './schemas.js';

const SLASH = /^\s*(\/flag|\/config|\/change|\/incident|\/tenant|\/cohort|\/oncall)(?:\s+([\s\S]*))?$/;

/** Statuses whose state carries a why worth answering with. */
const WITH_REASON = new Set(['refused', 'conflict', 'failed', 'rejected', 'expired']);

/** A request id of the API's own, unless the caller sent one (a retried call then reaches the same workflow). */
export const apiRequestId = (given?: string) =>
  given ?? `api-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;

/** A change request's state as an outcome, with the rendered reply. */
export function outcomeOfState(
  state: ChangeRequestState | undefined,
  message: Message,
  changeRequestId: string,
): Outcome {
  if (!state) return { status: 'started', changeRequestId, ...message };
  const reason = WITH_REASON.has(state.status) ? (state.rejectionReason ?? state.message) : undefined;
  return {
    status: state.status,
    changeRequestId,
    ...(reason ? { reason } : {}),
    ...(state.riskReasons.length ? { riskReasons: state.riskReasons } : {}),
    ...message,
  };
}

export async function changeRequestState(deps: ApiDeps, workflowId: string): Promise<ChangeRequestState | undefined> {
  return deps.client.workflow
    .getHandle(workflowId)
    .query(changeRequestStateQuery)
    .catch(() => undefined);
}

/** `/flag on x --env prod` → the slash command and its text; anything else is refused with what to send. */
function splitSlash(text: string): { slash: SlashCommand; rest: string } {
  const match = SLASH.exec(text);
  if (!match)
    throw new ValidationError(
      'text must be a chat command starting with /flag, /config, /change, /incident, /tenant, /cohort or /oncall, e.g. "/flag show checkout-v2"',
    );
  return { slash: match[1] as SlashCommand, rest: (match[2] ?? '').trim() };
}

/**
 * Runs a chat command as `principal` through the command handler Slack and the console use, and
 * answers with what came of it. The text is parsed here first only to refuse a typo with a 400
 * (the handler would answer it as a reply) and to know which workflow to read the outcome from.
 */
export async function runCommand(deps: ApiDeps, principal: string, text: string, requestId: string): Promise<Outcome> {
  const { slash, rest } = splitSlash(text);
  const command: Command = parseCommand(slash, rest, { environments: deps.environments });
  if (command.name === 'config.secret.set') {
    throw new ValidationError(
      'a secret value never travels in a command: set it with `switchyard secret set <key> --env <env>`, which reads it from standard input and seals it',
    );
  }
  const reply = await deps.handler.handleCommand({
    transport: 'console',
    user: principal,
    command: slash,
    text: rest,
    requestId,
    replyTo: { transport: 'console', channel: 'api', user: principal },
  });
  // The reply's text quotes the error (fine in chat, among colleagues); an API caller gets a reference instead.
  if (reply.internalError) throw reply.internalError;
  // A read of a place the caller does not cover is the API's 403 with the missing scope, as on every read route.
  if (reply.refusal?.code === 'FORBIDDEN' && READ_COMMANDS.has(command.name))
    throw new ForbiddenError(reply.refusal.message);
  const message: Message = { text: reply.text, blocks: reply.blocks };
  if (!reply.ok) return { status: 'refused', reason: reply.text, ...message };
  if (CHANGE_REQUEST_COMMANDS.has(command.name)) {
    const workflowId = workflowIds.changeRequest(requestId);
    return outcomeOfState(await changeRequestState(deps, workflowId), message, requestId);
  }
  if (command.name === 'change.approve' || command.name === 'change.reject') {
    const workflowId = changeWorkflowId(command.id);
    if (isBreakGlassWorkflow(workflowId)) return { status: 'reviewed', changeRequestId: command.id, ...message };
    return outcomeOfState(await changeRequestState(deps, workflowId), message, command.id);
  }
  if (command.name === 'incident.review') return { status: 'reviewed', ...message };
  if (ROLLOUT_CONTROL_COMMANDS.has(command.name)) return { status: 'applied', ...message };
  return { status: 'answered', ...message };
}

/**
 * A reason as one double-quoted argument of the chat grammar: `\"` is a quote inside quotes, and a
 * trailing backslash gets a space so it cannot escape the closing quote.
 */
export function quoted(text: string): string {
  const inner = text.replace(/\s+/g, ' ').trim().replace(/"/g, '\\"');
  return `"${inner.endsWith('\\') ? `${inner} ` : inner}"`;
}
