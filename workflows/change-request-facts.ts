import type { PreparedChange } from '../activities/index.js';
import type { ChangeRequestInput, ChangeRequestState } from './contracts.js';

/**
 * What a change request's notifications and audit rows say about it, from what it prepared: pure,
 * so the workflow (docs/design.md#change-request) asks for them as often as it needs.
 */

/** The one environment and tenant the change touches, when there is exactly one (audit columns, notifications; the audit detail lists them all). */
export function singleScope({ plan, touched }: PreparedChange): { environment?: string; tenant?: string } {
  if (!touched) return { environment: plan.envs.length === 1 ? plan.envs[0] : undefined, tenant: plan.tenant };
  return {
    environment: touched.environments.length === 1 ? touched.environments[0] : undefined,
    tenant: touched.tenants.length === 1 ? touched.tenants[0] : undefined,
  };
}

export function changeFacts(input: ChangeRequestInput, prepared: PreparedChange, justification: string | undefined) {
  const where = singleScope(prepared);
  return {
    requestId: input.requestId,
    requester: input.requester,
    entryKey: prepared.plan.key,
    action: prepared.plan.action,
    // The one environment and tenant touched; a change of several names them in its summary.
    env: where.environment,
    tenant: where.tenant,
    summary: prepared.plan.summary,
    reason: justification,
  };
}

/** The audit row of a decision that changes nothing (rejected, expired, stopped). */
export function decisionAuditEvent(
  workflowId: string,
  input: ChangeRequestInput,
  prepared: PreparedChange,
  state: ChangeRequestState,
  decision: { action: string; actor: string; reason?: string },
) {
  const { plan, touched } = prepared;
  return {
    eventId: `${workflowId}:${decision.action}`,
    actor: decision.actor,
    action: decision.action,
    // Role bindings are audited under this kind by storage, so decisions about them sit beside them.
    entityKind: plan.kind === 'role' ? 'role-binding' : plan.kind,
    entityKey: plan.key,
    ...singleScope(prepared),
    reason: decision.reason,
    requestId: input.requestId,
    detail: {
      requester: input.requester,
      summary: plan.summary,
      riskReasons: state.riskReasons,
      ...(touched ? { touched: { environments: touched.environments, tenants: touched.tenants } } : {}),
    },
  };
}
