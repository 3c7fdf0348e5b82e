import { ApplicationFailure, ApplicationFailureCategory } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { asBenign } from './benign-user-errors.js';

describe('an activity refusal', () => {
  it('is benign when it is a user error, keeping its type, message and non-retryable flag', () => {
    for (const type of ['FORBIDDEN', 'VALIDATION', 'CONFLICT', 'NOT_FOUND']) {
      const marked = asBenign(ApplicationFailure.nonRetryable(`refused: ${type}`, type));
      expect(marked).toBeInstanceOf(ApplicationFailure);
      expect(marked).toMatchObject({
        type,
        message: `refused: ${type}`,
        nonRetryable: true,
        category: ApplicationFailureCategory.BENIGN,
      });
    }
  });

  it('stays a failure when it is not a user error or may be retried', () => {
    const internal = ApplicationFailure.nonRetryable('disk full', 'INTERNAL');
    const retryable = ApplicationFailure.retryable('busy', 'FORBIDDEN');
    const plain = new Error('socket hang up');
    expect(asBenign(internal)).toBe(internal);
    expect(asBenign(retryable)).toBe(retryable);
    expect(asBenign(plain)).toBe(plain);
  });
});
