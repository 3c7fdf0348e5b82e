import type { AppliedChange, Change } from '../core/change.js';
import { applyChanges } from './apply-changes.js';
import type { StorageDeps } from './deps.js';

export { buildSnapshot, publishSnapshots } from './snapshot-publisher.js';

/**
 * The one way a flag or config entry changes (docs/architecture.md: every write leaves through
 * this one apply function; applyChanges is the same for a batch). In one transaction:
 * idempotency check on the change id, optimistic concurrency check on `expectedVersion` (a stale
 * write is a ConflictError), validation, the new version, its audit row and a version bump of the
 * environments whose served entry changed. After commit: one log line per audit row, and one
 * delta per bumped environment on Redis's change feed (docs/design.md#change-feed).
 *
 * Applying the same change id again returns the first result with `applied: false` and writes
 * nothing — but republishes what Redis lacks of it, so a retry also repairs a Redis that missed the first.
 *
 * @example
 *   await applyChange(deps, { changeId, actor: 'U123', action: 'flag.kill', expectedVersion: 4,
 *     target: { kind: 'flag', key: 'checkout.v2', document }, environment: 'production', reason: 'INC-12' });
 */
export async function applyChange(deps: StorageDeps, change: Change): Promise<AppliedChange> {
  // A batch of one: the same transaction steps, lock order, retry on a concurrent change id and publication.
  const [result] = await applyChanges(deps, [change]);
  return result!;
}
