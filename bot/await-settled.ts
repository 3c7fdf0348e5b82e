import type { WorkflowHandle } from '@temporalio/client';
import { changeRequestStateQuery, type ChangeRequestState } from '../workflows/contracts.js';

/** Where the requester's answer is known: the request awaits a second person, or it is done. */
const SETTLED: ReadonlySet<ChangeRequestState['status']> = new Set([
  'awaiting_approval',
  'applied',
  'rejected',
  'expired',
  'conflict',
  'refused',
  'failed',
]);

const POLL_MS = 150;

/**
 * The one way the command layer waits for a change request to settle, within `waitMs`: its state
 * once it awaits a decision or is done, else its state so far, or undefined when no worker has
 * picked it up yet.
 *
 * It polls the state query: `result()` cannot answer (a risky request would block it for a day),
 * and a "settled" update would be one more workflow task per request and a call that waits on
 * the server for as long as no worker runs, where the query simply fails.
 */
export async function awaitSettled(handle: WorkflowHandle, waitMs: number): Promise<ChangeRequestState | undefined> {
  const deadline = Date.now() + waitMs;
  let last: ChangeRequestState | undefined;
  do {
    // Until a worker has run the first task the query fails; that is "not yet", not an error.
    last = await handle.query(changeRequestStateQuery).catch(() => last);
    if (last && SETTLED.has(last.status)) return last;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  } while (Date.now() < deadline);
  return last;
}
