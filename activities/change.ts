import type { ChangePlan, PlannableCommand } from '../core/change/plan/index.js';
import { CHANGE_REQUEST_COMMANDS } from '../core/command/kinds.js';
import { commandSchema, type CommandOf } from '../core/command/schema.js';
import { classify, type ChangeClass } from '../core/classify.js';
import type { ChangeRequest } from '../core/change-request.js';
import { canApprove, canPerform, tenantScopedRefusal, type RoleBinding } from '../core/rbac.js';
import type { TouchedScopes } from '../core/touched-scopes.js';
import { ConflictError, ForbiddenError, ValidationError } from '../core/errors.js';
import type { FlagDocument } from '../core/model/flag.js';
import type { ActivityContext } from './context.js';
import { permanent } from './permanent.js';
import { changePlanner } from './plan-change.js';
import { tenancyChanges } from './tenancy.js';

export interface PreparedChange {
  plan: ChangePlan;
  /** What RBAC and classification looked at; approvals are checked against the same description. */
  request: ChangeRequest;
  classification: ChangeClass;
  riskReasons: string[];
  /** The environments and tenants the change's documents differ in (undefined for role changes). */
  touched?: TouchedScopes;
}

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

export type RolloutStartInput = Pick<ApplyPlannedChangeInput, 'actor' | 'plan' | 'request' | 'approvedBy'>;

export interface AppliedResult {
  version: number;
  /** False when this change id had been applied before (a retry or a replayed worker). */
  applied: boolean;
}

/** Preparing a change request (plan, authorize, classify) and applying it once it may be applied. */
export function changeActivities(ctx: ActivityContext) {
  const { entries, roleBindings } = ctx.stores;
  const { policy } = ctx;
  const { planOf, rejudge } = changePlanner(ctx);
  const { applyTenancy } = tenancyChanges(ctx);

  /** Holds-for-approval is classification's call; an actor with no role at all, or break-glass without the right, is refused here. */
  const authorize = async (user: string, request: ChangeRequest) => {
    const bindings = await roleBindings.liveBindings(user);
    const decision = canPerform(policy, bindings, user, request);
    if (!bindings.length || (request.action === 'flag.break-glass' && !decision.allowed))
      throw new ForbiddenError(decision.reason);
    // A tenant's admin asks only for their own tenant: anything else is refused, not held for a second person.
    const outright = tenantScopedRefusal(policy, bindings, user, request);
    if (outright) throw new ForbiddenError(outright);
    return { bindings, decision };
  };

  /** Without an approval or break-glass, only a change that is standard for its actor on what it touches may be applied. */
  const assertMayApply = (
    input: Pick<ApplyPlannedChangeInput, 'actor' | 'approvedBy' | 'breakGlass'>,
    request: ChangeRequest,
    bindings: RoleBinding[],
    currentFlag?: FlagDocument,
  ) => {
    if (input.breakGlass || input.approvedBy) return;
    const { class: classification, reasons } = classify(request, { policy, bindings, actor: input.actor, currentFlag });
    if (classification !== 'standard')
      throw new ForbiddenError(
        `${input.actor} may not apply this change without a second person: ${reasons.join('; ')}`,
      );
  };

  /** The requester's live rights (standard on what it touches, unless approved) and the approver's live rights. */
  const judgeAtPointOfEffect = async (
    input: Pick<ApplyPlannedChangeInput, 'actor' | 'approvedBy' | 'breakGlass'>,
    request: ChangeRequest,
    currentFlag?: FlagDocument,
  ) => {
    const { bindings } = await authorize(input.actor, request);
    assertMayApply(input, request, bindings, currentFlag);
    if (input.approvedBy) {
      const approver = await roleBindings.liveBindings(input.approvedBy);
      const decision = canApprove(policy, approver, input.approvedBy, { ...request, requestedBy: input.actor });
      if (!decision.allowed) throw new ForbiddenError(decision.reason);
    }
  };

  /** Grants or revokes a binding once per change id: a retried activity finds its own audit row. */
  const applyRoleChange = async (
    role: NonNullable<ChangePlan['role']>,
    input: ApplyPlannedChangeInput,
  ): Promise<AppliedResult> => {
    const binding = {
      subject: role.subject,
      role: role.role,
      env: role.env,
      tenant: role.tenant,
      until: role.until,
      actor: input.actor,
      reason: input.reason,
      changeId: input.changeId,
      approvedBy: input.approvedBy,
      requestId: input.requestId,
    };
    const { applied } = role.op === 'grant' ? await roleBindings.grant(binding) : await roleBindings.revoke(binding);
    return { version: 0, applied };
  };

  return {
    prepareChange: permanent(
      async (input: {
        requestId: string;
        requester: string;
        command: Record<string, unknown> & { name: string };
        reason?: string;
      }): Promise<PreparedChange> => {
        const parsed = commandSchema.safeParse(input.command);
        if (!parsed.success)
          throw new ValidationError(
            `${input.command.name}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'command'}: ${i.message}`).join('; ')}`,
          );
        if (!CHANGE_REQUEST_COMMANDS.has(parsed.data.name))
          throw new ValidationError(`${parsed.data.name} does not change anything a change request can apply`);
        const command = parsed.data as PlannableCommand | CommandOf<'change.revert'>;
        const { plan, request, touched, currentFlag } = await planOf(command, input.requester);
        const { bindings } = await authorize(input.requester, request);
        const { class: classification, reasons } = classify(request, {
          policy,
          bindings,
          actor: input.requester,
          currentFlag,
        });
        if (classification !== 'standard' && !input.reason?.trim()) {
          throw new ValidationError(
            `${classification === 'risky' ? 'a risky change' : 'break-glass'} needs a justification: add --reason "…" (${reasons.join('; ')})`,
          );
        }
        return {
          plan,
          request,
          classification,
          riskReasons: classification === 'standard' ? [] : reasons,
          ...(touched ? { touched } : {}),
        };
      },
    ),

    /**
     * A rollout takes effect when it starts, maybe hours after it was approved: the same judgement as
     * applyPlannedChange, made then (docs/design.md#re-judge-at-the-point-of-effect). The flag must
     * still be the version the rollout was planned on, and the requester (and approver) must still
     * hold the rights; otherwise nothing starts and the refusal says why.
     */
    authorizeRolloutStart: permanent(async (input: RolloutStartInput): Promise<void> => {
      const { plan } = input;
      const current = await entries.latest('flag', plan.key);
      if ((current?.version ?? 0) !== plan.expectedVersion) {
        throw new ConflictError(
          `${plan.key} changed after this rollout was requested (version ${plan.expectedVersion}, now ${current?.version ?? 'deleted'}); nothing was started — look at the current state and ask again`,
        );
      }
      const currentFlag = current?.kind === 'flag' ? current.document : undefined;
      await judgeAtPointOfEffect(input, input.request, currentFlag);
    }),

    applyPlannedChange: permanent(async (input: ApplyPlannedChangeInput): Promise<AppliedResult> => {
      const { plan } = input;
      // Enforced where the change is applied, on what it touches: someone whose roles were revoked
      // while the request waited, or a change that reaches further than it was judged on, stops here.
      const { request, touched, currentFlag } = await rejudge(input);
      await judgeAtPointOfEffect(input, request, currentFlag);
      if (plan.role) return applyRoleChange(plan.role, input);
      if (plan.tenancy) return applyTenancy(plan.tenancy, input);
      if (!plan.target) throw new ValidationError(`${plan.action} writes nothing by itself`);
      const result = await entries.apply({
        changeId: input.changeId,
        actor: input.actor,
        action: plan.action,
        target: plan.target,
        expectedVersion: plan.expectedVersion,
        // The columns name the one environment or tenant when there is one; the detail names them all.
        environment: touched
          ? touched.environments.length === 1
            ? touched.environments[0]
            : undefined
          : plan.envs.length === 1
            ? plan.envs[0]
            : undefined,
        tenant: touched ? (touched.tenants.length === 1 ? touched.tenants[0] : undefined) : plan.tenant,
        ...(touched ? { touched: { environments: touched.environments, tenants: touched.tenants } } : {}),
        reason: input.reason,
        approvedBy: input.approvedBy,
        requestId: input.requestId,
      });
      return { version: result.version, applied: result.applied };
    }),
  };
}
