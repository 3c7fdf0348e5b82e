import type { Client } from '@temporalio/client';
import type { Logger } from '../core/logger.js';
import type { FlagDocument } from '../core/model/flag.js';
import type { CoreSettings } from '../core/settings.js';
import type { Queryable } from '../storage/db.js';
import { listLatest } from '../storage/entry-versions.js';
import { connectTemporal, type TemporalSettings } from '../bot/temporal-connection.js';
import { startGuardrailMonitor } from '../bot/workflow-starters.js';

export interface GuardrailMonitorOptions {
  taskQueue: string;
  environments: readonly string[];
  log: Logger;
}

/**
 * Starts a guardrail monitor for every flag that carries `guardrails.auto_disable`, in each
 * environment where it is not killed, unless one already runs. Workflows start monitors for the
 * flags they change or roll out (workflows/guardrail-monitor.ts, watchGuardrail); this covers
 * flags that arrived another way (`switchyard import`) or whose monitor ended. Safe at every worker
 * start and after every import: running monitors are left alone.
 */
export async function startMissingGuardrailMonitors(
  client: Client,
  db: Queryable,
  options: GuardrailMonitorOptions,
): Promise<number> {
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

/** What a one-shot command needs to start monitors: a client and where the worker listens. */
export interface GuardrailMonitorTarget extends GuardrailMonitorOptions {
  client: Client;
}

/**
 * A Temporal client for a one-shot CLI command that must start monitors (`switchyard import`), or
 * the warning to print when there is none: the import itself needs only Postgres and Redis, so an
 * unreachable Temporal leaves the flags to the worker's next start rather than failing the import.
 */
export async function openGuardrailMonitorTarget(
  settings: TemporalSettings & Pick<CoreSettings, 'ENVIRONMENTS'>,
  log: Logger,
): Promise<{ target?: GuardrailMonitorTarget; warning?: string; close(): Promise<void> }> {
  try {
    const { client, connection, taskQueue } = await connectTemporal(settings);
    return { target: { client, taskQueue, environments: settings.ENVIRONMENTS, log }, close: () => connection.close() };
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return {
      warning: `guarded flags are not watched yet (${why}): the worker starts their monitors when it starts`,
      close: async () => undefined,
    };
  }
}
