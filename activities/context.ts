import type { Logger } from '../core/logger.js';
import { policyOf, type Policy } from '../core/policy.js';
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
    Partial<Pick<Settings, 'GUARDRAIL_PROMQL' | 'PRODUCTION_ENVIRONMENTS'>>;
  /** Built once from the settings: every rights and classification call gets it (docs/design.md#policy). */
  policy: Policy;
  /** PromQL per guardrail metric name; the built-in table when omitted. */
  promqlTemplates?: Record<string, string>;
}

/** The stores themselves (unit tests hand in fakes), or the Postgres and Redis clients to build them on. */
export type ActivityDeps = Omit<ActivityContext, 'stores' | 'policy'> & ({ stores: ActivityStores } | StorageDeps);

export function activityContext(deps: ActivityDeps): ActivityContext {
  const policy = policyOf(deps.settings);
  if ('stores' in deps) return { ...deps, policy };
  const { pool, redis, keys, log, notifier, settings, promqlTemplates } = deps;
  return {
    policy,
    stores: postgresActivityStores({ pool, redis, keys, log, policy }),
    log,
    notifier,
    settings,
    ...(promqlTemplates ? { promqlTemplates } : {}),
  };
}
