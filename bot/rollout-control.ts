import type { Client } from '@temporalio/client';
import type { CommandOf } from '../core/command/schema.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../core/errors.js';
import { rolloutControlUpdate, rolloutStateQuery, workflowIds, type RolloutControl } from '../workflows/contracts.js';
import type { Message } from '../render/blocks.js';
import { renderRollout, rolloutViewOfState } from '../render/rollout.js';
import { failureTypeOf, isNotFound, userMessageOf } from './temporal-errors.js';

export type RolloutControlCommand = CommandOf<
  'flag.rollout.pause' | 'flag.rollout.resume' | 'flag.rollout.abort' | 'flag.rollout.promote'
>;

/** The rollout a control acts on: a flag in one environment (a command) or the workflow a button names. */
export type RolloutRef = { flagKey: string; env: string } | { workflowId: string };

const DONE: Record<RolloutControl, string> = {
  pause: 'paused',
  resume: 'resumed',
  abort: 'aborted',
  promote: 'promoted',
};

export function controlOf(command: RolloutControlCommand): RolloutControl {
  return command.name.slice('flag.rollout.'.length) as RolloutControl;
}

/**
 * Pauses, resumes, aborts or promotes a running rollout as `user`, through the rollout's update:
 * the workflow checks the role and the state and answers with the state the control left, or
 * with its refusal ("paused: resume first"), which comes back as the error the user reads.
 */
export async function controlRollout(
  client: Client,
  user: string,
  control: RolloutControl,
  ref: RolloutRef,
): Promise<Message> {
  const workflowId = 'workflowId' in ref ? ref.workflowId : workflowIds.rollout(ref.flagKey, ref.env);
  const which = 'workflowId' in ref ? 'this rollout' : `the rollout of \`${ref.flagKey}\` in ${ref.env}`;
  const handle = client.workflow.getHandle(workflowId);
  try {
    const state = await handle.executeUpdate(rolloutControlUpdate, { args: [{ action: control, user }] });
    const message = renderRollout(rolloutViewOfState(state, workflowId));
    return { ...message, text: `${DONE[control]} by ${user}. ${message.text}` };
  } catch (err) {
    if (isNotFound(err)) {
      // Updates cannot reach a finished rollout; say how it ended instead of "not found".
      const ended = await handle.query(rolloutStateQuery).catch(() => undefined);
      if (ended)
        throw new NotFoundError(
          `${which} is already ${ended.status.replace('_', ' ')}: there is nothing to ${control}`,
        );
      throw new NotFoundError(
        'workflowId' in ref
          ? `there is no rollout \`${workflowId}\``
          : `no rollout of \`${ref.flagKey}\` is running in ${ref.env}`,
      );
    }
    const reason = `cannot ${control} ${which}: ${userMessageOf(err)}`;
    throw failureTypeOf(err) === 'FORBIDDEN' ? new ForbiddenError(reason) : new ValidationError(reason);
  }
}
