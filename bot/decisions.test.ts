import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../core/errors.js';
import { SELF_APPROVAL_MESSAGE, SELF_REVIEW_MESSAGE } from '../core/messages.js';
import { decideChange, reviewBreakGlass } from './decisions.js';

/** A Temporal client whose every update fails with `failure` and whose state query answers `state`. */
function clientRefusing(failure: Error, state?: { status: string }): Client {
  const handle = {
    executeUpdate: () => Promise.reject(failure),
    query: () => (state ? Promise.resolve(state) : Promise.reject(new WorkflowNotFoundError('gone', 'wf', undefined))),
  };
  return { workflow: { getHandle: () => handle } } as unknown as Client;
}

const refusedWith = (message: string, type: string) =>
  new WorkflowUpdateFailedError('Workflow Update failed', ApplicationFailure.nonRetryable(message, type));

describe('a refused decision keeps its kind and the workflow’s words', () => {
  it('self-approval is forbidden, worded as the workflow worded it', async () => {
    const decided = decideChange(clientRefusing(refusedWith(SELF_APPROVAL_MESSAGE, 'FORBIDDEN')), 'change-request:r1', {
      approve: true,
      user: 'U1',
    });
    await expect(decided).rejects.toThrow(ForbiddenError);
    await expect(decided).rejects.toThrow(SELF_APPROVAL_MESSAGE);
  });

  it('a second click on a decided request is a conflict naming who decided', async () => {
    const decided = decideChange(
      clientRefusing(refusedWith('already approved by U2', 'DECIDED')),
      'change-request:r1',
      { approve: false, user: 'U3', reason: 'no' },
    );
    await expect(decided).rejects.toThrow(ConflictError);
    await expect(decided).rejects.toThrow('already approved by U2');
  });

  it('a decision on a finished request is a conflict saying how it ended', async () => {
    const decided = decideChange(
      clientRefusing(new WorkflowNotFoundError('not found', 'wf', undefined), { status: 'applied' }),
      'change-request:r1',
      { approve: true, user: 'U2' },
    );
    await expect(decided).rejects.toThrow(ConflictError);
    await expect(decided).rejects.toThrow('this change request is already applied');
  });

  it('a decision on a request that never existed is not found', async () => {
    const decided = decideChange(
      clientRefusing(new WorkflowNotFoundError('not found', 'wf', undefined)),
      'change-request:nope',
      { approve: true, user: 'U2' },
    );
    await expect(decided).rejects.toThrow(NotFoundError);
    await expect(decided).rejects.toThrow('there is no change request `change-request:nope`');
  });

  it('a refusal of no known kind stays a validation error', async () => {
    const decided = decideChange(
      clientRefusing(refusedWith('the deciding user is missing', 'VALIDATION')),
      'change-request:r1',
      { approve: true, user: '' },
    );
    await expect(decided).rejects.toThrow(ValidationError);
    await expect(decided).rejects.not.toThrow(ForbiddenError);
  });

  it('self-review of a break-glass change is forbidden', async () => {
    const reviewed = reviewBreakGlass(clientRefusing(refusedWith(SELF_REVIEW_MESSAGE, 'FORBIDDEN')), 'break-glass:r1', {
      user: 'U1',
    });
    await expect(reviewed).rejects.toThrow(ForbiddenError);
    await expect(reviewed).rejects.toThrow(SELF_REVIEW_MESSAGE);
  });
});
