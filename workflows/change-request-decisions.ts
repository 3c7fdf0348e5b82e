import { ApplicationFailure, condition, proxyActivities, setHandler } from '@temporalio/workflow';
import type { Activities, PreparedChange } from '../activities/index.js';
import { activityPresets } from './activity-options.js';
import {
  SELF_APPROVAL_MESSAGE,
  approveUpdate,
  changeRequestStateQuery,
  rejectUpdate,
  type ChangeRequestInput,
  type ChangeRequestState,
  type DecisionInput,
} from './contracts.js';
import { asCallerFailure } from './failures.js';

const data = proxyActivities<Activities>(activityPresets.dataPlane);

export type Decision = { approved: boolean; by: string; reason?: string };

/** Still moving on its own: nobody needs to be asked anything yet, and it is not done. */
const IN_FLIGHT: ReadonlySet<ChangeRequestState['status']> = new Set(['validating', 'approved', 'applying']);

/** Done: nothing will change it any more. */
export const isFinished = (state: ChangeRequestState) =>
  !IN_FLIGHT.has(state.status) && state.status !== 'awaiting_approval';

/**
 * Registers the change request's state query and its approve / reject updates. The first decision stands; the returned holder carries it.
 */
export function acceptDecisions(
  input: ChangeRequestInput,
  state: ChangeRequestState,
  prepared: () => PreparedChange | undefined,
): { decision?: Decision } {
  const held: { decision?: Decision } = {};
  const at = () => new Date().toISOString();

  setHandler(changeRequestStateQuery, () => state);

  const decide = async (approved: boolean, { user, reason }: DecisionInput): Promise<ChangeRequestState> => {
    try {
      await data.authorizeApprover({ approver: user, requester: input.requester, request: prepared()!.request });
    } catch (err) {
      throw asCallerFailure(err);
    }
    const { decision } = held;
    if (state.status !== 'awaiting_approval' && !decision)
      throw ApplicationFailure.nonRetryable(`this change request is ${state.status} now`, 'DECIDED');
    // Two people may click at once: the first decision stands, the second hears who beat them.
    if (decision)
      throw ApplicationFailure.nonRetryable(
        `already ${decision.approved ? 'approved' : 'rejected'} by ${decision.by}`,
        'DECIDED',
      );
    held.decision = { approved, by: user, reason };
    state.decidedBy = user;
    state.decidedAt = at();
    if (approved) state.status = 'approved';
    else state.rejectionReason = reason;
    // The clicker hears the outcome (applied, conflict …), not just "accepted".
    await condition(() => isFinished(state));
    return state;
  };
  const validateDecision = ({ user }: DecisionInput) => {
    // Typed like the handler's refusals (FORBIDDEN, DECIDED), so callers need not read the words.
    if (!user) throw ApplicationFailure.nonRetryable('the deciding user is missing', 'VALIDATION');
    if (state.status !== 'awaiting_approval')
      throw ApplicationFailure.nonRetryable(
        `this change request is ${state.status.replace('_', ' ')}; it no longer takes decisions`,
        'DECIDED',
      );
  };
  setHandler(approveUpdate, (d) => decide(true, d), {
    validator: (d) => {
      validateDecision(d);
      if (d.user === input.requester) throw ApplicationFailure.nonRetryable(SELF_APPROVAL_MESSAGE, 'FORBIDDEN');
    },
  });
  setHandler(rejectUpdate, (d) => decide(false, d), {
    validator: (d) => {
      validateDecision(d);
      if (!d.reason?.trim()) throw ApplicationFailure.nonRetryable('a rejection needs a reason', 'VALIDATION');
    },
  });
  return held;
}
