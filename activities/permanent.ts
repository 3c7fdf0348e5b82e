import { ApplicationFailure } from '@temporalio/common';
import { ZodError } from 'zod';
import { SwitchyardError } from '../core/errors.js';

/** Errors a user can act on end the workflow step at once; anything else is retried by Temporal. */
export function permanent<A extends unknown[], R>(fn: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return async (...args) => {
    try {
      return await fn(...args);
    } catch (err) {
      if (err instanceof SwitchyardError) throw ApplicationFailure.nonRetryable(err.message, err.code);
      if (err instanceof ZodError)
        throw ApplicationFailure.nonRetryable(
          err.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
          'VALIDATION',
        );
      throw err;
    }
  };
}
