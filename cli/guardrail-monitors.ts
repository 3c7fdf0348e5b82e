import type { Client } from '@temporalio/client';
import type { Logger } from '../core/logger.js';
import type { FlagDocument } from '../core/model/flag.js';
import type { Queryable } from '../storage/db.js';
import { listLatest } from '../storage/entry-versions.js';
import { startGuardrailMonitor } from '../workflows/starters.js';

/**
 * Starts a guardrail monitor for every flag that carries `guardrails.auto_disable`, in each
 * environment where it is not killed, unless one already runs. Change requests start monitors
 * for the flags they touch; this covers flags that arrived another way (`switchyard import`) or
 * whose monitor ended. Safe at every worker start: running monitors are left alone.
 */
export async function ensureGuardrailMonitors(client: Client, db: Queryable, options: { taskQueue: string; environments: string[]; log: Logger }): Promise<number> {
  const flags = await listLatest<FlagDocument>(db, 'flag');
  let watched = 0;
  for (const { document: flag } of flags) {
    if (!flag.guardrails?.auto_disable) continue;
    for (const env of options.environments) {
      // Top-level rules are live in every environment. A killed flag stays unwatched until someone
      // turns it on again (that change restarts its monitor).
      if (flag.environments[env]?.killed) continue;
      await startGuardrailMonitor(client, { flagKey: flag.key, env }, options.taskQueue);
      watched++;
    }
  }
  if (watched) options.log.info({ monitors: watched }, 'guardrail monitors running');
  return watched;
}
