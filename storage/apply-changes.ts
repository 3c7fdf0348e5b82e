import type { AppliedChange, Change } from '../core/change.js';
import { assertSecretValuesSealed } from '../core/secrets/sealed-entry.js';
import { logAudit } from './audit.js';
import { readEpoch } from './database-epoch.js';
import { withTransaction, type PoolClient, type Queryable } from './db.js';
import { deltasOf, publishDeltas, republishBehind, type EnvDelta } from './delta-publisher.js';
import type { StorageDeps } from './deps.js';
import { ENTRY_KINDS, ENTRY_TABLE, type EntryKind } from './entry-versions.js';
import { recordWrites } from './entry-audit.js';
import {
  bumpEnvironments,
  insertVersions,
  lockEntries,
  prepareEntry,
  priorResults,
  type EntryWrite,
  type Outcome,
} from './entry-write.js';
import { environmentNames } from './environments.js';

/** How many entries one transaction (and one publication) carries unless told otherwise. */
export const DEFAULT_BATCH_SIZE = 500;

export type Current = { version: number; document: unknown };
const idOf = (change: Change) => `${change.target.kind}:${change.target.key}`;

/** The latest stored version of each named entry, by `kind:key`, in one query per kind whatever their number. */
export async function latestEntries(
  db: Queryable,
  targets: ReadonlyArray<{ kind: EntryKind; key: string }>,
): Promise<Map<string, Current>> {
  const current = new Map<string, Current>();
  for (const kind of ENTRY_KINDS) {
    const keys = [...new Set(targets.filter((t) => t.kind === kind).map((t) => t.key))];
    if (!keys.length) continue;
    const { rows } = await db.query<{ key: string; version: number; document: unknown }>(
      `SELECT DISTINCT ON (key) key, version, document FROM ${ENTRY_TABLE[kind]} WHERE key = ANY($1) ORDER BY key, version DESC`,
      [keys],
    );
    for (const r of rows) current.set(`${kind}:${r.key}`, { version: Number(r.version), document: r.document });
  }
  return current;
}

/**
 * Publishes a commit's deltas; changes that were idempotent retries instead repair the
 * environments Redis holds behind them. The commit stands whatever happens here: if Redis is down
 * the state is published late — by the next change (its delta finds the gap and writes in full),
 * by a retry, by the repair loop, at boot or from the CLI. Failing would make the caller retry a
 * change that already happened. (Bound the wait with ioredis's maxRetriesPerRequest on the client
 * passed in.)
 */
async function publishCommitted(
  deps: StorageDeps,
  commit: { deltas: EnvDelta[]; retried: AppliedChange[] },
  what: Record<string, unknown>,
): Promise<void> {
  try {
    if (commit.deltas.length) await publishDeltas(deps, commit.deltas);
    const behind: Record<string, number> = {};
    for (const result of commit.retried)
      for (const [env, v] of Object.entries(result.snapshots)) behind[env] = Math.max(behind[env] ?? 0, v);
    await republishBehind(deps, behind);
  } catch (err) {
    deps.log.error({ err, ...what }, 'change committed but not published to Redis');
  }
}

type BatchOutcome = { outcomes: Outcome[]; deltas: EnvDelta[]; retried: AppliedChange[] };

async function applyBatch(
  client: PoolClient,
  changes: readonly Change[],
  log: StorageDeps['log'],
): Promise<BatchOutcome> {
  // Lock order (see storage/entry-write.ts): every entry of the batch, sorted → the environment rows touched → audit chain.
  await lockEntries(client, changes);
  const prior = await priorResults(
    client,
    changes.map((c) => c.changeId),
  );
  const current = await latestEntries(
    client,
    changes.map((c) => c.target),
  );
  const environments = await environmentNames(client);

  // Each entry is checked against the version before it, including one written earlier in this batch.
  const steps: Array<EntryWrite | AppliedChange> = [];
  const firstOf = new Map<string, EntryWrite>();
  for (const change of changes) {
    const earlier = prior.get(change.changeId);
    const again = firstOf.get(change.changeId);
    if (earlier || again) {
      // Applied before, or earlier in this batch: like applying it twice in a row, it applies once.
      steps.push(earlier ? { ...earlier, applied: false } : again!);
      continue;
    }
    const write = prepareEntry(change, current.get(idOf(change)), environments, log);
    current.set(idOf(change), { version: write.version, document: write.document });
    firstOf.set(change.changeId, write);
    steps.push(write);
  }
  const written = [...firstOf.values()];
  // Only changes applied by an earlier commit are retries: a repeat within this batch is published with it.
  const retried = changes.flatMap((c) => prior.get(c.changeId) ?? []);
  if (!written.length)
    return { outcomes: steps.map((step) => ({ result: step as AppliedChange })), deltas: [], retried };
  await insertVersions(client, written);
  // Each touched environment moves by one for the whole batch, however many entries touched it.
  const bumped = await bumpEnvironments(client, [...new Set(written.flatMap((w) => w.touched))]);
  const epoch = await readEpoch(client);
  const recorded = new Map((await recordWrites(client, written, bumped)).map((o) => [o.result.changeId, o]));
  const seen = new Set<string>();
  const outcomes = steps.map((step): Outcome => {
    if (!('change' in step)) return { result: step };
    const outcome = recorded.get(step.change.changeId)!;
    if (seen.has(step.change.changeId)) return { result: { ...outcome.result, applied: false } };
    seen.add(step.change.changeId);
    return outcome;
  });
  return { outcomes, deltas: deltasOf(written, bumped, epoch), retried };
}

/**
 * applyChange for many entries (an import): one transaction per batch of `batchSize` entries,
 * each entry with the same validation, optimistic-concurrency check, idempotency and audit row as
 * alone (the hash chain stays whole), each environment a batch touches bumped once, and one
 * publication per batch: one delta per touched environment holding all the batch's entries.
 * A failing entry (a conflict, an invalid document) rolls back its batch and stops; the batches
 * before it stay applied. Results come in the order of `changes`.
 */
export async function applyChanges(
  deps: StorageDeps,
  changes: readonly Change[],
  options: { batchSize?: number } = {},
): Promise<AppliedChange[]> {
  for (const change of changes) assertSecretValuesSealed(change.target);
  const size = options.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`batch size must be a positive integer (got ${size})`);
  const results: AppliedChange[] = [];
  for (let start = 0; start < changes.length; start += size) {
    const batch = changes.slice(start, start + size);
    const run = () => withTransaction(deps.pool, (client) => applyBatch(client, batch, deps.log));
    let applied: BatchOutcome;
    try {
      applied = await run();
    } catch (err) {
      // As in applyChange: a change id applied concurrently elsewhere; the stored result is the answer.
      if ((err as { constraint?: string }).constraint !== 'applied_changes_pkey') throw err;
      applied = await run();
    }
    for (const { audit } of applied.outcomes) if (audit) logAudit(deps.log, audit);
    await publishCommitted(
      deps,
      applied,
      batch.length === 1 ? { changeId: batch[0]!.changeId } : { batch: { first: start, entries: batch.length } },
    );
    results.push(...applied.outcomes.map((o) => o.result));
  }
  return results;
}
