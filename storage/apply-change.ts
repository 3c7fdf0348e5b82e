import type { AppliedChange, Change } from '../core/change.js';
import { assertSecretValuesSealed } from '../core/secrets/sealed-entry.js';
import { logAudit } from './audit.js';
import { readEpoch } from './database-epoch.js';
import { withTransaction, type PoolClient } from './db.js';
import { deltasOf, publishDeltas, republishBehind, type EnvDelta } from './delta-publisher.js';
import type { StorageDeps } from './deps.js';
import { latestVersion } from './entry-versions.js';
import { recordWrites } from './entry-audit.js';
import { bumpEnvironments, insertVersions, lockEntries, prepareEntry, priorResults, type Outcome } from './entry-write.js';
import { environmentNames } from './environments.js';

export { buildSnapshot, publishSnapshots } from './snapshot-publisher.js';

type Applied = Outcome & { deltas: EnvDelta[] };

async function applyInTransaction(client: PoolClient, change: Change, log: StorageDeps['log']): Promise<Applied> {
  const { kind, key } = change.target;
  // Lock order (see storage/entry-write.ts): entry → the environment rows it touches → audit chain.
  await lockEntries(client, [change]);

  const prior = (await priorResults(client, [change.changeId])).get(change.changeId);
  if (prior) return { result: { ...prior, applied: false }, deltas: [] };

  const current = await latestVersion(client, kind, key);
  const write = prepareEntry(change, current, await environmentNames(client), log);
  await insertVersions(client, [write]);
  // Only the environments whose served entry moved are locked and bumped: a change to one
  // environment's state never waits for, nor blocks, changes in the others.
  const bumped = await bumpEnvironments(client, write.touched);
  // Read in the same transaction: a delta never pairs one epoch's versions with another's.
  const epoch = await readEpoch(client);
  const [outcome] = await recordWrites(client, [write], bumped);
  return { ...outcome!, deltas: deltasOf([write], bumped, epoch) };
}

/**
 * Publishes a commit's deltas; changes that were idempotent retries instead repair the
 * environments Redis holds behind them. The commit stands whatever happens here: if Redis is down
 * the state is published late — by the next change (its delta finds the gap and writes in full),
 * by a retry, by the repair loop, at boot or from the CLI. Failing would make the caller retry a
 * change that already happened. (Bound the wait with ioredis's maxRetriesPerRequest on the client
 * passed in.)
 */
export async function publishCommitted(deps: StorageDeps, commit: { deltas: EnvDelta[]; retried: AppliedChange[] }, what: Record<string, unknown>): Promise<void> {
  try {
    if (commit.deltas.length) await publishDeltas(deps, commit.deltas);
    const behind: Record<string, number> = {};
    for (const result of commit.retried) for (const [env, v] of Object.entries(result.snapshots)) behind[env] = Math.max(behind[env] ?? 0, v);
    if (commit.retried.length) await republishBehind(deps, behind);
  } catch (err) {
    deps.log.error({ err, ...what }, 'change committed but not published to Redis');
  }
}

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
  // Every write of a secret passes here, so this is where a clear value is stopped, whatever sent it.
  assertSecretValuesSealed(change.target);
  let applied: Applied;
  try {
    applied = await withTransaction(deps.pool, (client) => applyInTransaction(client, change, deps.log));
  } catch (err) {
    // The same change id applied concurrently for another key slipped past the key lock: the
    // primary key caught it, and the stored result is the answer.
    if ((err as { constraint?: string }).constraint !== 'applied_changes_pkey') throw err;
    applied = await withTransaction(deps.pool, (client) => applyInTransaction(client, change, deps.log));
  }
  if (applied.audit) logAudit(deps.log, applied.audit);
  await publishCommitted(deps, { deltas: applied.deltas, retried: applied.result.applied ? [] : [applied.result] }, { changeId: change.changeId });
  return applied.result;
}
