import type { Client } from '@temporalio/client';
import { changeRequestOf } from '../core/command/change-request-of.js';
import type { CommandOf } from '../core/command/schema.js';
import { ForbiddenError, NotFoundError } from '../core/errors.js';
import { canPerform, ROLES, type Role, type RoleBinding } from '../core/rbac.js';
import type { Pool } from '../storage/db.js';
import { getFlag } from '../storage/flags.js';
import { listRoleBindings } from '../storage/role-bindings.js';
import { abortSignal, pauseSignal, promoteSignal, resumeSignal, rolloutStateQuery, workflowIds, type RolloutState } from '../workflows/contracts.js';
import type { RolloutControl } from './render/action-ids.js';
import type { Message } from './render/blocks.js';
import { renderRollout, rolloutViewOfState } from './render/rollout.js';
import { isNotFound } from './temporal-errors.js';

export type RolloutControlCommand = CommandOf<'flag.rollout.pause' | 'flag.rollout.resume' | 'flag.rollout.abort' | 'flag.rollout.promote'>;

const SIGNALS = { pause: pauseSignal, resume: resumeSignal, abort: abortSignal, promote: promoteSignal } as const;

/** What the rollout's state should show once the signal has been handled. */
const TOOK_EFFECT: Record<RolloutControl, (before: RolloutState, now: RolloutState) => boolean> = {
  pause: (_, now) => now.status === 'paused' || isFinished(now),
  resume: (_, now) => now.status !== 'paused',
  abort: (_, now) => now.status === 'aborted' || isFinished(now),
  promote: (before, now) => now.stageIndex > before.stageIndex || isFinished(now),
};

function isFinished(state: RolloutState): boolean {
  return state.status === 'completed' || state.status === 'aborted' || state.status === 'rolled_back';
}

/** Role bindings as core/rbac reads them (storage keeps NULL scopes and free-text roles). */
async function bindingsOf(pool: Pool, user: string): Promise<RoleBinding[]> {
  const rows = await listRoleBindings(pool, user);
  return rows
    .filter((r) => (ROLES as readonly string[]).includes(r.role))
    .map((r) => ({ subject: r.subject, role: r.role as Role, ...(r.env ? { env: r.env } : {}), ...(r.tenant ? { tenant: r.tenant } : {}) }));
}

/**
 * Pauses, resumes, aborts or promotes the running rollout of a flag in one environment, after
 * checking that `user` may (the rollout workflow takes signals from anyone who reaches it).
 */
export async function controlRollout(deps: { client: Client; pool: Pool }, user: string, command: RolloutControlCommand, waitMs = 3000): Promise<Message> {
  const control = command.name.split('.').pop() as RolloutControl;
  const flag = await getFlag(deps.pool, command.key);
  if (!flag) throw new NotFoundError(`there is no flag \`${command.key}\``);
  const request = changeRequestOf(command, { actor: user, flagKind: flag.document.kind })!;
  const decision = canPerform(await bindingsOf(deps.pool, user), user, request);
  if (!decision.allowed) throw new ForbiddenError(decision.reason);

  const workflowId = workflowIds.rollout(command.key, command.env);
  const handle = deps.client.workflow.getHandle(workflowId);
  const noRollout = new NotFoundError(`no rollout of \`${command.key}\` is running in ${command.env}`);
  let before: RolloutState;
  try {
    const description = await handle.describe();
    if (description.status.name !== 'RUNNING') throw noRollout;
    before = await handle.query(rolloutStateQuery);
  } catch (err) {
    if (isNotFound(err)) throw noRollout;
    throw err;
  }
  await handle.signal(SIGNALS[control], { user });

  // Signals are fire-and-forget: read the state back so the reply shows what happened.
  let now = before;
  const deadline = Date.now() + waitMs;
  while (Date.now() < deadline) {
    now = await handle.query(rolloutStateQuery).catch(() => now);
    if (TOOK_EFFECT[control](before, now)) break;
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  const message = renderRollout(rolloutViewOfState(now, workflowId));
  return { ...message, text: `${control} sent by ${user}. ${message.text}` };
}

/** The flag and environment a rollout button acts on, read from the workflow it names. */
export async function rolloutCommandOf(client: Client, workflowId: string, control: RolloutControl): Promise<RolloutControlCommand> {
  try {
    const state = await client.workflow.getHandle(workflowId).query(rolloutStateQuery);
    return { name: `flag.rollout.${control}`, key: state.flagKey, env: state.env } as RolloutControlCommand;
  } catch (err) {
    if (isNotFound(err)) throw new NotFoundError(`that rollout (${workflowId}) no longer exists`);
    throw err;
  }
}
