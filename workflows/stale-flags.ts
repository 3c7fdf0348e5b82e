import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { activityPresets } from './activity-options.js';
import { notifySafely } from './notify-safely.js';

const data = proxyActivities<Activities>(activityPresets.dataPlane);

export const STALE_AGE_DAYS = 90;

/** The daily lifecycle check (docs/design.md#stale-flags): release/experiment flags past expiry or older than 90 days. */
export async function staleFlagsWorkflow(input: { maxAgeDays?: number } = {}): Promise<{ count: number }> {
  const flags = await data.listStaleFlags({ maxAgeDays: input.maxAgeDays ?? STALE_AGE_DAYS });
  if (flags.length) {
    await notifySafely({
      kind: 'stale_flags',
      id: `${workflowInfo().workflowId}:${workflowInfo().runId}`,
      at: new Date().toISOString(),
      flags,
    });
  }
  return { count: flags.length };
}
