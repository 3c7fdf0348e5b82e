import { ActivityFailure, ApplicationFailure, ChildWorkflowFailure } from '@temporalio/workflow';

/** The ApplicationFailure behind an activity or child failure, where the activity said what went wrong. */
export function rootApplicationFailure(err: unknown): ApplicationFailure | undefined {
  let current: unknown = err;
  while (current instanceof ActivityFailure || current instanceof ChildWorkflowFailure) current = current.cause;
  return current instanceof ApplicationFailure ? current : undefined;
}

export function failureCode(err: unknown): string | undefined {
  return rootApplicationFailure(err)?.type ?? undefined;
}

export function failureMessage(err: unknown): string {
  const app = rootApplicationFailure(err);
  if (app) return app.message;
  return err instanceof Error ? err.message : String(err);
}

/** Re-raise an activity's refusal to an update's caller with the activity's own words. */
export function asCallerFailure(err: unknown): ApplicationFailure {
  return ApplicationFailure.nonRetryable(failureMessage(err), failureCode(err) ?? 'FAILED');
}
