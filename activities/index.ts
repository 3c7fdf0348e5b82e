import { approvalActivities } from './approvals.js';
import { auditEventActivities } from './audit-events.js';
import { changeActivities } from './change.js';
import { activityContext, type ActivityDeps } from './context.js';
import { flagStepActivities } from './flag-step.js';
import { guardrailActivities } from './guardrail.js';
import { incidentActivities } from './incidents.js';
import type { NotificationEvent } from './notification-event.js';
import { staleFlagActivities } from './stale-flags.js';

export type { ActivityContext, ActivityDeps } from './context.js';
export type { AppliedResult, ApplyPlannedChangeInput, PreparedChange } from './change.js';
export type { ApplyFlagStepInput, FlagStep } from './flag-step.js';
export type { NotificationEvent, Notifier } from './notification-event.js';

/**
 * The workflows' activities, built from their stores and notifier so unit tests hand in in-memory
 * fakes and e2e tests real stores with their own prefixes. Every activity is safe to run twice:
 * writes carry change ids or dedupe keys chosen by the workflow. The names are what workflow
 * histories record: renaming one breaks replay.
 */
export function createActivities(deps: ActivityDeps) {
  const ctx = activityContext(deps);
  return {
    ...changeActivities(ctx),
    ...flagStepActivities(ctx),
    ...approvalActivities(ctx),
    ...auditEventActivities(ctx),
    notify: async (event: NotificationEvent): Promise<void> => {
      await ctx.notifier.deliver(event);
    },
    ...guardrailActivities(ctx),
    ...incidentActivities(ctx),
    ...staleFlagActivities(ctx),
  };
}

export type Activities = ReturnType<typeof createActivities>;
