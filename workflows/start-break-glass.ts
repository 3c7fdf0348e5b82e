import { ParentClosePolicy, startChild } from '@temporalio/workflow';
import { breakGlassWorkflow } from './break-glass.js';
import { workflowIds, type ChangeRequestInput } from './contracts.js';

/** Hands an emergency change to its break-glass workflow (docs/design.md#break-glass), which outlives the request. */
export async function startBreakGlass(input: ChangeRequestInput, justification: string | undefined): Promise<void> {
  await startChild(breakGlassWorkflow, {
    workflowId: workflowIds.breakGlass(input.requestId),
    args: [
      {
        requestId: input.requestId,
        actor: input.requester,
        command: input.command,
        reason: justification ?? '',
        replyTo: input.replyTo,
        ...input.breakGlass,
      },
    ],
    // The review runs for a day; this request is done once break-glass has taken over.
    parentClosePolicy: ParentClosePolicy.ABANDON,
  });
}
