import { ApplicationFailure, ApplicationFailureCategory } from '@temporalio/common';
import type { ActivityExecuteInput, ActivityInboundCallsInterceptor, Next } from '@temporalio/worker';
import { USER_ERROR_CODES } from '../core/errors.js';

/**
 * A refusal the user can act on (no role, a bad value, a stale version, no such entry) is the
 * product working, not an activity failing: it is re-thrown as a BENIGN ApplicationFailure, which
 * the SDK logs at debug (one line, no "Activity failed" warning with a stack trace) and leaves
 * out of failure metrics. The workflow sees the same type, message and non-retryable flag.
 */
export class BenignUserErrors implements ActivityInboundCallsInterceptor {
  async execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    try {
      return await next(input);
    } catch (err) {
      throw asBenign(err);
    }
  }
}

/** The same failure marked BENIGN when it is a user error; anything else unchanged. */
export function asBenign(err: unknown): unknown {
  if (!(err instanceof ApplicationFailure) || !err.nonRetryable || !USER_ERROR_CODES.has(err.type ?? '')) return err;
  if (err.category === ApplicationFailureCategory.BENIGN) return err;
  return ApplicationFailure.create({
    message: err.message,
    type: err.type ?? undefined,
    nonRetryable: true,
    details: err.details ?? undefined,
    cause: err.cause,
    category: ApplicationFailureCategory.BENIGN,
  });
}

/** For Worker.create's `interceptors.activity`. */
export const benignUserErrorsInterceptor = () => ({ inbound: new BenignUserErrors() });
