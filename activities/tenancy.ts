import {
  planChange,
  tenancyNames,
  tenancyUnits,
  type ChangePlan,
  type TenancyCommand,
} from '../core/change/plan/index.js';
import { changeRequestOf } from '../core/command/change-request-of.js';
import type { ChangeRequest } from '../core/change-request.js';
import type { ActivityContext } from './context.js';

/**
 * Tenant and cohort changes (docs/design.md#roles): planned against the tables as they are, judged
 * as production changes (core/change/plan/tenancy.ts tenancyUnits), and applied with their audit row
 * once per change id. prepareChange and applyPlannedChange call these after the same checks as
 * any change, so there is no separate activity to call without them.
 */
export function tenancyChanges({ stores, settings, policy }: Pick<ActivityContext, 'stores' | 'settings' | 'policy'>) {
  const { tenancy } = stores;

  /** The plan of a tenancy command, and the request RBAC and classification judge. */
  const planTenancy = async (
    command: TenancyCommand,
    requester: string,
  ): Promise<{ plan: ChangePlan; request: ChangeRequest }> => {
    const view = await tenancy.view(tenancyNames(command));
    const plan = planChange(command, {
      current: null,
      version: 0,
      environments: settings.ENVIRONMENTS,
      now: new Date(),
      tenancy: view,
    });
    const request = changeRequestOf(command, { actor: requester })!;
    return { plan, request: { ...request, touched: tenancyUnits(request.tenant, policy) } };
  };

  /** The tiers tenants have, for `/flag serve --tier` (a tier nobody has is most likely a typo). */
  const tiers = async () => tenancy.view({ tenants: [], cohorts: [] });

  /** `input` is applyPlannedChange's (./change.ts), once that has authorized it. */
  const applyTenancy = async (
    change: NonNullable<ChangePlan['tenancy']>,
    input: { changeId: string; actor: string; reason?: string; approvedBy?: string; requestId: string },
  ): Promise<{ version: number; applied: boolean }> => {
    const { applied } = await tenancy.apply({
      changeId: input.changeId,
      actor: input.actor,
      change,
      reason: input.reason,
      approvedBy: input.approvedBy,
      requestId: input.requestId,
    });
    return { version: 0, applied };
  };

  return { planTenancy, tiers, applyTenancy };
}
