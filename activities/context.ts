import type { Logger } from '../core/logger.js';
import type { ActivitySettings as Settings } from './settings.js';
import { postgresActivityStores, type ActivityStores } from '../storage/activity-stores.js';
import type { StorageDeps } from '../storage/deps.js';
import type { Notifier } from './notification-event.js';

/** What every group of activities is built from. */
export interface ActivityContext {
  stores: ActivityStores;
  log: Logger;
  notifier: Notifier;
  settings: Pick<Settings, 'ENVIRONMENTS' | 'PROMETHEUS_URL' | 'INCIDENT_WEBHOOK_URL'> &
    Partial<Pick<Settings, 'GUARDRAIL_PROMQL'>>;
  /** PromQL per guardrail metric name; the built-in table when omitted. */
  promqlTemplates?: Record<string, string>;
}

/** The stores themselves (unit tests hand in fakes), or the Postgres and Redis clients to build them on. */
export type ActivityDeps = Omit<ActivityContext, 'stores'> & ({ stores: ActivityStores } | StorageDeps);

export function activityContext(deps: ActivityDeps): ActivityContext {
  if ('stores' in deps) return deps;
  const { pool, redis, keys, log, notifier, settings, promqlTemplates } = deps;
  return {
    stores: postgresActivityStores({ pool, redis, keys, log }),
    log,
    notifier,
    settings,
    ...(promqlTemplates ? { promqlTemplates } : {}),
  };
}
