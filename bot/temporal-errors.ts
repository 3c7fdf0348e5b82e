import {
  QueryNotRegisteredError,
  WorkflowFailedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';

/**
 * The sentence a user should read for a failed Temporal call: an update refused by its validator
 * or handler carries the workflow's own words (self-approval, ineligible approver) in its cause.
 */
export function userMessageOf(err: unknown): string {
  if (err instanceof WorkflowUpdateFailedError || err instanceof WorkflowFailedError) {
    let cause: unknown = err.cause;
    while (cause instanceof Error && !(cause instanceof ApplicationFailure) && cause.cause) cause = cause.cause;
    if (cause instanceof Error && cause.message) return cause.message;
  }
  if (err instanceof WorkflowNotFoundError) return 'no such workflow';
  if (err instanceof QueryNotRegisteredError) return 'that workflow does not answer this question';
  return err instanceof Error ? err.message : String(err);
}

/** The type of the ApplicationFailure behind a refused update (FORBIDDEN, DECIDED …): which kind of "no" it was. */
export function failureTypeOf(err: unknown): string | undefined {
  let cause: unknown = err;
  while (cause instanceof Error && !(cause instanceof ApplicationFailure)) cause = cause.cause;
  return cause instanceof ApplicationFailure ? (cause.type ?? undefined) : undefined;
}

export function isNotFound(err: unknown): boolean {
  return err instanceof WorkflowNotFoundError;
}
