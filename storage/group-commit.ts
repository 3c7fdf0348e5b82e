import type { AppliedChange, Change } from '../core/change.js';
import { applyChange } from './apply-change.js';
import { applyChanges } from './apply-changes.js';
import type { StorageDeps } from './deps.js';

/** More than a worker's activity slots ever hand in at once: a batch this size commits in well under a second. */
export const GROUP_COMMIT_MAX_BATCH = 200;

export interface GroupCommit {
  /** applyChange's promise and answer, the change committed alone or with others waiting at the same time. */
  apply(change: Change): Promise<AppliedChange>;
}

interface Pending {
  change: Change;
  resolve: (result: AppliedChange) => void;
  reject: (error: unknown) => void;
}

const settle = (pending: Pending, work: Promise<AppliedChange>) => work.then(pending.resolve, pending.reject);

/**
 * Group commit for one process's writers (docs/design.md#group-commit). Every write to an
 * environment takes its row lock and every write extends the one audit chain, so concurrent
 * writes queue behind each other in Postgres a commit at a time. Instead, changes that arrive
 * while a commit is in flight wait here and then go together through applyChanges: one
 * transaction, one version bump per environment, one publication, still one audit row and one
 * result each. A change that arrives when nothing is in flight starts at once, alone.
 *
 * A batch is all or nothing, so when it fails (one change conflicts, is invalid, or is refused)
 * nothing of it was written, and each of its changes is applied again alone: only the failing
 * ones see their error, exactly as if they had come one at a time.
 */
export function groupCommit(deps: StorageDeps, options: { maxBatch?: number } = {}): GroupCommit {
  const maxBatch = options.maxBatch ?? GROUP_COMMIT_MAX_BATCH;
  const waiting: Pending[] = [];
  let running = false;

  const commit = async (batch: Pending[]): Promise<void> => {
    if (batch.length === 1) return settle(batch[0]!, applyChange(deps, batch[0]!.change));
    let results: AppliedChange[];
    try {
      results = await applyChanges(
        deps,
        batch.map((p) => p.change),
        { batchSize: batch.length },
      );
    } catch {
      await Promise.all(batch.map((p) => settle(p, applyChange(deps, p.change))));
      return;
    }
    batch.forEach((p, i) => p.resolve(results[i]!));
  };

  const drain = async (): Promise<void> => {
    running = true;
    try {
      while (waiting.length) await commit(waiting.splice(0, maxBatch));
    } finally {
      running = false;
    }
  };

  return {
    apply(change) {
      return new Promise<AppliedChange>((resolve, reject) => {
        waiting.push({ change, resolve, reject });
        // A tick's grace gathers changes handed in together (activities started by one poll) into the first commit.
        if (!running) {
          running = true;
          setImmediate(() => void drain());
        }
      });
    },
  };
}
