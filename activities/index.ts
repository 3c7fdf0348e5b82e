import { ApplicationFailure } from '@temporalio/common';
import type { Redis } from 'ioredis';
import type { Pool } from 'pg';
import { ZodError } from 'zod';
import { planChange, revertPlan, type ChangePlan, type PlannableCommand } from '../core/change-plan.js';
import { changeRequestOf } from '../core/command/change-request-of.js';
import { commandSchema, type CommandOf } from '../core/command/schema.js';
import { classify, type ChangeClass } from '../core/classify.js';
import type { ChangeRequest } from '../core/change-request.js';
import { canApprove, canPerform, type RoleBinding } from '../core/rbac.js';
import { judgedOnDiff as judgeOnDiff, type TouchedScopes } from '../core/touched-scopes.js';
import { ConflictError, ForbiddenError, SwitchyardError, ValidationError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { ConfigEntry } from '../core/model/config-entry.js';
import type { FlagDocument, Guardrails } from '../core/model/flag.js';
import { kill, rolloutTo, setRollout } from '../core/operations/flag-operations.js';
import type { Settings } from '../core/settings.js';
import { applyChange } from '../storage/apply-change.js';
import { findAppliedChange } from '../storage/applied-change.js';
import { logAudit, recordAudit, type AuditEntry } from '../storage/audit.js';
import type { RedisKeys } from '../storage/redis-keys.js';
import { grantRole, revokeRole } from '../storage/role-bindings.js';
import { SELF_APPROVAL_MESSAGE, SELF_REVIEW_MESSAGE } from '../workflows/contracts.js';
import { liveRoleBindings, loadEntry, tenantsOfCohorts } from './entries.js';
import { PROMQL_TEMPLATES, promqlFor, queryPrometheus } from './guardrail-metric.js';
import { closeIncidentReview, openIncident, type IncidentInput } from './incidents.js';
import type { NotificationEvent, Notifier, StaleFlag } from './notification-event.js';
import { listStaleFlags } from './stale-flags.js';

export type { NotificationEvent, Notifier } from './notification-event.js';

export interface ActivityDeps {
  pool: Pool;
  redis: Redis;
  keys: RedisKeys;
  log: Logger;
  notifier: Notifier;
  settings: Pick<Settings, 'ENVIRONMENTS' | 'PROMETHEUS_URL' | 'INCIDENT_WEBHOOK_URL'> & Partial<Pick<Settings, 'GUARDRAIL_PROMQL'>>;
  /** PromQL per guardrail metric name; the built-in table when omitted. */
  promqlTemplates?: Record<string, string>;
}

export interface PreparedChange {
  plan: ChangePlan;
  /** What RBAC and classification looked at; approvals are checked against the same description. */
  request: ChangeRequest;
  classification: ChangeClass;
  riskReasons: string[];
  /** The environments and tenants the change's documents differ in (undefined for role changes). */
  touched?: TouchedScopes;
}

/** One edit of a flag in one environment that the system makes on someone's behalf. */
export type FlagStep =
  | { type: 'percent'; variation: string; percent: number }
  | { type: 'tenants'; variation: string; tenants: string[] }
  | { type: 'tenants-clear'; tenants: string[] }
  | { type: 'kill' };

export interface ApplyPlannedChangeInput {
  changeId: string;
  actor: string;
  plan: ChangePlan;
  request: ChangeRequest;
  reason?: string;
  approvedBy?: string;
  requestId: string;
  breakGlass?: boolean;
}

export interface ApplyFlagStepInput {
  changeId: string;
  flagKey: string;
  env: string;
  step: FlagStep;
  action: string;
  onBehalfOf: string;
  approvedBy?: string;
  reason?: string;
  requestId: string;
}

export interface AppliedResult {
  version: number;
  /** False when this change id had been applied before (a retry or a replayed worker). */
  applied: boolean;
}

const CONFLICT_RETRIES = 3;
const PLANNABLE = new Set<string>(['flag.create', 'flag.on', 'flag.off', 'flag.serve', 'flag.kill', 'flag.rule.add', 'flag.rule.remove', 'flag.override', 'flag.rollout', 'flag.break-glass', 'config.set', 'config.secret.set', 'change.role.grant', 'change.role.revoke', 'change.revert'] satisfies Array<PlannableCommand['name'] | 'change.revert'>);

/** Errors a user can act on end the workflow step at once; anything else is retried by Temporal. */
function permanent<A extends unknown[], R>(fn: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return async (...args) => {
    try {
      return await fn(...args);
    } catch (err) {
      if (err instanceof SwitchyardError) throw ApplicationFailure.nonRetryable(err.message, err.code);
      if (err instanceof ZodError) throw ApplicationFailure.nonRetryable(err.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '), 'VALIDATION');
      throw err;
    }
  };
}

function stepDocument(flag: FlagDocument, env: string, step: FlagStep): FlagDocument {
  switch (step.type) {
    case 'percent':
      return setRollout(flag, env, rolloutTo(flag, step.variation, step.percent));
    case 'kill':
      return kill(flag, env);
    case 'tenants':
    case 'tenants-clear': {
      const state = flag.environments[env] ?? { killed: false, killedTenants: [], userOverrides: {}, tenantOverrides: {}, rules: [] };
      const tenantOverrides = { ...state.tenantOverrides };
      for (const t of step.tenants) {
        if (step.type === 'tenants') tenantOverrides[t] = step.variation;
        else delete tenantOverrides[t];
      }
      return { ...flag, environments: { ...flag.environments, [env]: { ...state, tenantOverrides } } };
    }
  }
}

/**
 * The workflows' activities, built from their dependencies (pools, clients, notifier) so tests
 * hand in real stores with their own prefixes. Every activity is safe to run twice: writes carry
 * change ids or dedupe keys chosen by the workflow.
 */
export function createActivities(deps: ActivityDeps) {
  const { pool, log, notifier, settings } = deps;
  const storage = { pool, redis: deps.redis, keys: deps.keys, log };

  /** Holds-for-approval is classification's call; an actor with no role at all, or break-glass without the right, is refused here. */
  const authorize = async (user: string, request: ChangeRequest) => {
    const bindings = await liveRoleBindings(pool, user);
    const decision = canPerform(bindings, user, request);
    if (!bindings.length || (request.action === 'flag.break-glass' && !decision.allowed)) throw new ForbiddenError(decision.reason);
    return { bindings, decision };
  };

  const judgedOnDiff = (plan: ChangePlan, request: ChangeRequest, before: FlagDocument | ConfigEntry | null | undefined) => judgeOnDiff(plan, request, before, settings.ENVIRONMENTS);

  /** The plan, and the description RBAC and classification judge, of one change command. */
  const planOf = async (
    command: PlannableCommand | CommandOf<'change.revert'>,
    requester: string,
  ): Promise<{ plan: ChangePlan; request: ChangeRequest; touched?: TouchedScopes; currentFlag?: FlagDocument }> => {
    const now = new Date();
    if (command.name === 'change.role.grant' || command.name === 'change.role.revoke') {
      return { plan: planChange(command, { current: null, version: 0, environments: settings.ENVIRONMENTS, now }), request: changeRequestOf(command, { actor: requester })! };
    }
    if (command.name === 'change.revert') {
      const source = await findAppliedChange<FlagDocument | ConfigEntry>(pool, command.id);
      const current = await loadEntry(pool, source.kind, source.key);
      const plan = revertPlan(source, { current: current?.document ?? null, version: current?.version ?? 0, environments: settings.ENVIRONMENTS, now });
      const currentFlag = current?.kind === 'flag' ? current.document : undefined;
      // Judged on what undoing it changes now: the same entry, and the environments and tenants that differ.
      const request: ChangeRequest = {
        action: 'change.revert',
        entity: plan.entryKind === 'secret' ? 'secret' : source.kind,
        key: source.key,
        env: source.environments.length === 1 ? source.environments[0] : undefined,
        tenant: plan.tenant,
        flagKind: currentFlag?.kind,
        requestedBy: requester,
      };
      return { plan, ...judgedOnDiff(plan, request, current?.document), currentFlag };
    }
    const current = await loadEntry(pool, command.name.startsWith('config.') ? 'config' : 'flag', command.key);
    const plan = planChange(command, { current: current?.document ?? null, version: current?.version ?? 0, environments: settings.ENVIRONMENTS, now });
    // An unknown cohort is refused now, not when the rollout reaches it.
    if (plan.rollout?.cohorts) await tenantsOfCohorts(pool, plan.rollout.cohorts);
    const currentFlag = current?.kind === 'flag' ? current.document : undefined;
    const request = changeRequestOf(command, { actor: requester, flagKind: currentFlag?.kind })!;
    if (plan.rollout && request.rollout) request.rollout.from = plan.rollout.fromPercent;
    return { plan, ...judgedOnDiff(plan, request, current?.document), currentFlag };
  };

  /**
   * Applying re-judges the change on its documents, not on what was typed or carried in the
   * workflow: the entry is re-read, and if it is still the version the plan was made against, what
   * the target changes relative to it is authorized again. (If it moved, storage refuses the write
   * as a conflict, or finds this change id already applied; the prepared request is judged then.)
   */
  const rejudge = async (input: ApplyPlannedChangeInput): Promise<{ request: ChangeRequest; touched?: TouchedScopes; currentFlag?: FlagDocument }> => {
    const { plan } = input;
    if (plan.role || !plan.target) return { request: input.request };
    const current = await loadEntry(pool, plan.target.kind, plan.key);
    const currentFlag = current?.kind === 'flag' ? current.document : undefined;
    if ((current?.version ?? 0) !== plan.expectedVersion) {
      const units = input.request.touched ?? [];
      const environments = [...new Set(units.map((u) => u.env))];
      const tenants = [...new Set(units.flatMap((u) => (u.tenant ? [u.tenant] : [])))];
      return { request: input.request, touched: { units, environments, tenants }, currentFlag };
    }
    return { ...judgedOnDiff(plan, input.request, current?.document), currentFlag };
  };

  /** Without an approval or break-glass, only a change that is standard for its actor on what it touches may be applied. */
  const assertMayApply = (input: ApplyPlannedChangeInput, request: ChangeRequest, bindings: RoleBinding[], currentFlag?: FlagDocument) => {
    if (input.breakGlass || input.approvedBy) return;
    const { class: classification, reasons } = classify(request, { bindings, actor: input.actor, currentFlag });
    if (classification !== 'standard') throw new ForbiddenError(`${input.actor} may not apply this change without a second person: ${reasons.join('; ')}`);
  };

  /** Grants or revokes a binding once per change id: a retried activity finds its own audit row. */
  const applyRoleChange = async (role: NonNullable<ChangePlan['role']>, input: ApplyPlannedChangeInput): Promise<AppliedResult> => {
    const done = await pool.query('SELECT 1 FROM audit_log WHERE change_id = $1 LIMIT 1', [input.changeId]);
    if (done.rowCount) return { version: 0, applied: false };
    const binding = { subject: role.subject, role: role.role, env: role.env, tenant: role.tenant, actor: input.actor, reason: input.reason, changeId: input.changeId, approvedBy: input.approvedBy, requestId: input.requestId };
    if (role.op === 'grant') {
      const { created } = await grantRole({ pool, log }, binding);
      return { version: 0, applied: created };
    }
    await revokeRole({ pool, log }, binding);
    return { version: 0, applied: true };
  };

  return {
    prepareChange: permanent(async (input: { requestId: string; requester: string; command: Record<string, unknown> & { name: string }; reason?: string }): Promise<PreparedChange> => {
      const parsed = commandSchema.safeParse(input.command);
      if (!parsed.success) throw new ValidationError(`${input.command.name}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'command'}: ${i.message}`).join('; ')}`);
      if (!PLANNABLE.has(parsed.data.name)) throw new ValidationError(`${parsed.data.name} does not change anything a change request can apply`);
      const command = parsed.data as PlannableCommand | CommandOf<'change.revert'>;
      const { plan, request, touched, currentFlag } = await planOf(command, input.requester);
      const { bindings } = await authorize(input.requester, request);
      const { class: classification, reasons } = classify(request, { bindings, actor: input.requester, currentFlag });
      if (classification !== 'standard' && !input.reason?.trim()) {
        throw new ValidationError(`${classification === 'risky' ? 'a risky change' : 'break-glass'} needs a justification: add --reason "…" (${reasons.join('; ')})`);
      }
      return { plan, request, classification, riskReasons: classification === 'standard' ? [] : reasons, ...(touched ? { touched } : {}) };
    }),

    applyPlannedChange: permanent(async (input: ApplyPlannedChangeInput): Promise<AppliedResult> => {
      const { plan } = input;
      // Enforced where the change is applied, on what it touches: someone whose roles were revoked
      // while the request waited, or a change that reaches further than it was judged on, stops here.
      const { request, touched, currentFlag } = await rejudge(input);
      const { bindings } = await authorize(input.actor, request);
      assertMayApply(input, request, bindings, currentFlag);
      if (input.approvedBy) {
        const approver = await liveRoleBindings(pool, input.approvedBy);
        const decision = canApprove(approver, input.approvedBy, { ...request, requestedBy: input.actor });
        if (!decision.allowed) throw new ForbiddenError(decision.reason);
      }
      if (plan.role) return applyRoleChange(plan.role, input);
      if (!plan.target) throw new ValidationError(`${plan.action} writes nothing by itself`);
      const result = await applyChange(storage, {
        changeId: input.changeId,
        actor: input.actor,
        action: plan.action,
        target: plan.target,
        expectedVersion: plan.expectedVersion,
        // The columns name the one environment or tenant when there is one; the detail names them all.
        environment: touched ? (touched.environments.length === 1 ? touched.environments[0] : undefined) : plan.envs.length === 1 ? plan.envs[0] : undefined,
        tenant: touched ? (touched.tenants.length === 1 ? touched.tenants[0] : undefined) : plan.tenant,
        ...(touched ? { touched: { environments: touched.environments, tenants: touched.tenants } } : {}),
        reason: input.reason,
        approvedBy: input.approvedBy,
        requestId: input.requestId,
      });
      return { version: result.version, applied: result.applied };
    }),

    applyFlagStep: permanent(async (input: ApplyFlagStepInput): Promise<AppliedResult> => {
      for (let attempt = 1; ; attempt++) {
        const current = await loadEntry(pool, 'flag', input.flagKey);
        if (!current || current.kind !== 'flag') throw new ValidationError(`there is no flag \`${input.flagKey}\``);
        try {
          const result = await applyChange(storage, {
            changeId: input.changeId,
            actor: 'system',
            onBehalfOf: input.onBehalfOf,
            action: input.action,
            target: { kind: 'flag', key: input.flagKey, document: stepDocument(current.document, input.env, input.step) },
            expectedVersion: current.version,
            environment: input.env,
            reason: input.reason,
            approvedBy: input.approvedBy,
            requestId: input.requestId,
          });
          return { version: result.version, applied: result.applied };
        } catch (err) {
          // Someone changed the flag between our read and write: the step is still wanted, re-read and redo it.
          if (!(err instanceof ConflictError) || attempt >= CONFLICT_RETRIES) throw err;
        }
      }
    }),

    /** Read at the moment of the click: a role granted or revoked since the request counts. */
    authorizeApprover: permanent(async (input: { approver: string; requester: string; request: ChangeRequest }): Promise<void> => {
      if (input.approver === input.requester) throw new ForbiddenError(SELF_APPROVAL_MESSAGE);
      const bindings = await liveRoleBindings(pool, input.approver);
      const decision = canApprove(bindings, input.approver, { ...input.request, requestedBy: input.requester });
      if (!decision.allowed) throw new ForbiddenError(decision.reason);
    }),

    /** Who may pause, resume, abort or promote a rollout: the same rule as for making the change. */
    authorizeRolloutControl: permanent(async (input: { user: string; action: string; flagKey: string; env: string }): Promise<{ allowed: boolean; reason: string }> => {
      const bindings = await liveRoleBindings(pool, input.user);
      const current = await loadEntry(pool, 'flag', input.flagKey);
      const flagKind = current?.kind === 'flag' ? current.document.kind : undefined;
      const { allowed, reason } = canPerform(bindings, input.user, { action: input.action, entity: 'flag', key: input.flagKey, env: input.env, flagKind, requestedBy: input.user });
      return { allowed, reason };
    }),

    authorizeReviewer: permanent(async (input: { reviewer: string; actor: string; requestId: string }): Promise<void> => {
      if (input.reviewer === input.actor) throw new ForbiddenError(SELF_REVIEW_MESSAGE);
      const bindings = await liveRoleBindings(pool, input.reviewer);
      if (!bindings.some((b) => b.role === 'operator' || b.role === 'admin')) {
        throw new ForbiddenError(`${input.reviewer} cannot review break-glass changes: that needs the operator or admin role`);
      }
    }),

    /** An audit row for a step that is not itself a write (a review, a decision); once per event id. */
    recordAuditEvent: permanent(async (input: AuditEntry & { eventId: string }): Promise<void> => {
      const { eventId, ...entry } = input;
      const seen = await pool.query('SELECT 1 FROM audit_log WHERE change_id = $1 AND action = $2 LIMIT 1', [eventId, entry.action]);
      if (seen.rowCount) return;
      logAudit(log, await recordAudit(pool, { ...entry, changeId: eventId }));
    }),

    notify: async (event: NotificationEvent): Promise<void> => {
      await notifier.deliver(event);
    },

    loadGuardrail: permanent(async (input: { flagKey: string }): Promise<NonNullable<Guardrails['auto_disable']> | null> => {
      const current = await loadEntry(pool, 'flag', input.flagKey);
      return current?.kind === 'flag' ? (current.document.guardrails?.auto_disable ?? null) : null;
    }),

    /** The metric's current value, or null when Prometheus is not configured or has no data. */
    queryGuardrailMetric: async (input: { metric: string; window: string; env?: string }): Promise<number | null> => {
      if (!settings.PROMETHEUS_URL) return null;
      const templates = { ...PROMQL_TEMPLATES, ...settings.GUARDRAIL_PROMQL, ...deps.promqlTemplates };
      return queryPrometheus(settings.PROMETHEUS_URL, promqlFor(input.metric, input.window, templates, input.env));
    },

    cohortTenants: permanent((input: { cohorts: string[] }) => tenantsOfCohorts(pool, input.cohorts)),

    openIncident: permanent((input: IncidentInput) => openIncident(pool, settings.INCIDENT_WEBHOOK_URL, input)),

    closeIncidentReview: permanent(async (input: { requestId: string; reviewedBy: string; notes?: string; eventId: string }): Promise<void> => {
      const incident = await closeIncidentReview(pool, input.requestId, input.reviewedBy);
      const seen = await pool.query('SELECT 1 FROM audit_log WHERE change_id = $1 LIMIT 1', [input.eventId]);
      if (seen.rowCount) return;
      const row = await recordAudit(pool, {
        actor: input.reviewedBy,
        action: 'break-glass.review',
        entityKind: incident.entryKey ? 'flag' : undefined,
        entityKey: incident.entryKey ?? undefined,
        environment: incident.environment ?? undefined,
        changeId: input.eventId,
        requestId: input.requestId,
        reason: input.notes,
        detail: { incidentId: incident.id, breakGlassActor: incident.actor },
      });
      logAudit(log, row);
    }),

    listStaleFlags: (input: { maxAgeDays: number }): Promise<StaleFlag[]> => listStaleFlags(pool, input.maxAgeDays, new Date()),
  };
}

export type Activities = ReturnType<typeof createActivities>;
