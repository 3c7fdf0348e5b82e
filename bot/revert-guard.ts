import type { Client } from '@temporalio/client';
import { ValidationError } from '../core/errors.js';
import type { Pool } from '../storage/db.js';
import { findAppliedChange } from '../storage/applied-change.js';
import { workflowIds } from '../workflows/contracts.js';

/**
 * A revert under a running rollout would be overwritten by its next stage; the rollout's own abort
 * is the undo there. Checked before the request starts, so the user hears it at once. An unknown id
 * is left for the workflow, which refuses it with the same message as any other stale revert.
 */
export async function refuseRevertDuringRollout(
  deps: { client: Client; pool: Pool; environments: readonly string[] },
  id: string,
): Promise<void> {
  const change = await findAppliedChange(deps.pool, id).catch(() => undefined);
  if (change?.kind !== 'flag') return;
  for (const env of change.environments.length ? change.environments : deps.environments) {
    const workflowId = workflowIds.rollout(change.key, env);
    const running = await deps.client.workflow
      .getHandle(workflowId)
      .describe()
      .then((d) => d.status.name === 'RUNNING')
      .catch(() => false);
    if (running)
      throw new ValidationError(
        `a rollout of ${change.key} in ${env} is running: stop it with /flag rollout abort ${change.key} --env ${env} (that rolls it back), then revert if anything is left`,
      );
  }
}
