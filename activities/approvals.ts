import type { ChangeRequest } from '../core/change-request.js';
import { ForbiddenError } from '../core/errors.js';
import { SELF_APPROVAL_MESSAGE, SELF_REVIEW_MESSAGE } from '../core/messages.js';
import { canApprove, canPerform } from '../core/rbac.js';
import { bindingCoversEnv, describeBinding } from '../core/role-reach.js';
import type { ActivityContext } from './context.js';
import { permanent } from './permanent.js';

/** Who may decide on a change, control a rollout or review a break-glass change, read from live bindings. */
export function approvalActivities({ stores, policy }: ActivityContext) {
  const { entries, roleBindings } = stores;
  return {
    /** Read at the moment of the click: a role granted or revoked since the request counts. */
    authorizeApprover: permanent(
      async (input: { approver: string; requester: string; request: ChangeRequest }): Promise<void> => {
        if (input.approver === input.requester) throw new ForbiddenError(SELF_APPROVAL_MESSAGE);
        const bindings = await roleBindings.liveBindings(input.approver);
        const decision = canApprove(policy, bindings, input.approver, {
          ...input.request,
          requestedBy: input.requester,
        });
        if (!decision.allowed) throw new ForbiddenError(decision.reason);
      },
    ),

    /** Who may pause, resume, abort or promote a rollout: the same rule as for making the change. */
    authorizeRolloutControl: permanent(
      async (input: {
        user: string;
        action: string;
        flagKey: string;
        env: string;
      }): Promise<{ allowed: boolean; reason: string }> => {
        const bindings = await roleBindings.liveBindings(input.user);
        const current = await entries.latest('flag', input.flagKey);
        const flagKind = current?.kind === 'flag' ? current.document.kind : undefined;
        const { allowed, reason } = canPerform(policy, bindings, input.user, {
          action: input.action,
          entity: 'flag',
          key: input.flagKey,
          env: input.env,
          flagKind,
          requestedBy: input.user,
        });
        return { allowed, reason };
      },
    ),

    /**
     * The 24-hour review of a break-glass change (docs/design.md#break-glass): someone other than the
     * actor who answers for the environment it changed, i.e. holds a live operator binding covering
     * it. An admin (one tenant) or an operator elsewhere cannot judge an emergency there.
     */
    authorizeReviewer: permanent(
      async (input: { reviewer: string; actor: string; requestId: string; env?: string }): Promise<void> => {
        if (input.reviewer === input.actor) throw new ForbiddenError(SELF_REVIEW_MESSAGE);
        // A review scheduled before the workflow passed the environment: then every production environment must be covered.
        const envs = input.env !== undefined ? [input.env] : [...policy.production];
        const bindings = await roleBindings.liveBindings(input.reviewer);
        const covers = (env: string) =>
          bindings.some((b) => b.role === 'operator' && b.tenant === undefined && bindingCoversEnv(b, env, policy));
        if (!envs.every(covers)) {
          const where = envs.join(', ');
          const holds = bindings.map((b) => describeBinding(b, policy)).join(', ') || 'no role';
          throw new ForbiddenError(
            `a review of break-glass in ${where} must come from an operator of ${where} other than ${input.actor} (${input.reviewer} holds ${holds})`,
          );
        }
      },
    ),
  };
}
