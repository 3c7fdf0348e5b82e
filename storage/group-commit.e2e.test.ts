import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Change } from '../core/change.js';
import { ConflictError } from '../core/errors.js';
import type { FlagDocument } from '../core/model/flag.js';
import { readServedEntries } from '../test/redis-entries.js';
import { useStorageHarness } from '../test/storage-harness.js';
import { applyChange } from './apply-change.js';
import type { StorageDeps } from './deps.js';
import { listEnvironments } from './environments.js';
import { groupCommit } from './group-commit.js';

const seedFlag = JSON.parse(
  readFileSync(new URL('../test/fixtures/seed-flag.json', import.meta.url), 'utf8'),
) as FlagDocument;

let deps: StorageDeps;
useStorageHarness('storage-group-commit', (h) => ({ deps } = h));

/** The seed flag under another key, told apart by its description (a global field: every environment serves it). */
const flag = (key: string, stage: number): FlagDocument => ({ ...seedFlag, key, description: `stage ${stage}` });
const change = (key: string, percentOn: number, expectedVersion: number): Change => ({
  changeId: randomUUID(),
  actor: 'system',
  action: expectedVersion === 0 ? 'flag.create' : 'flag.rollout.stage',
  target: { kind: 'flag', key, document: flag(key, percentOn) },
  expectedVersion,
  environment: 'staging',
});
const stagingVersion = async () =>
  (await listEnvironments(deps.pool)).find((e) => e.name === 'staging')!.snapshotVersion;
const auditRows = async (keys: string[]) =>
  Number(
    (
      await deps.pool.query<{ n: string }>(
        "SELECT count(*) AS n FROM audit_log WHERE entity_key = ANY($1) AND action = 'flag.rollout.stage'",
        [keys],
      )
    ).rows[0]!.n,
  );

describe('group commit', () => {
  it('commits writers that arrive together in few transactions, each with its own result and audit row, all served', async () => {
    const keys = Array.from({ length: 60 }, (_, i) => `group.burst-${i}`);
    for (const key of keys) await applyChange(deps, change(key, 0, 0));
    const before = await stagingVersion();

    const commits = groupCommit(deps);
    const results = await Promise.all(keys.map((key) => commits.apply(change(key, 50, 1))));

    expect(results.map((r) => [r.version, r.applied])).toEqual(keys.map(() => [2, true]));
    expect(await auditRows(keys)).toBe(60);
    // One write at a time would have moved staging 60 versions; together they moved it a few.
    const moved = (await stagingVersion()) - before;
    expect(moved).toBeGreaterThanOrEqual(1);
    expect(moved).toBeLessThanOrEqual(3);
    const served = await readServedEntries(deps.redis, deps.keys, 'staging');
    expect(served.version).toBe(await stagingVersion());
    for (const key of keys) expect(served.flags[key]?.description).toBe('stage 50');
  });

  it('a change that fails in a batch fails alone: the others are applied once, as if each had come alone', async () => {
    const keys = Array.from({ length: 10 }, (_, i) => `group.one-bad-${i}`);
    for (const key of keys) await applyChange(deps, change(key, 0, 0));

    const commits = groupCommit(deps);
    const outcomes = await Promise.allSettled(keys.map((key, i) => commits.apply(change(key, 50, i === 3 ? 7 : 1))));

    expect(outcomes.map((o) => o.status)).toEqual(keys.map((_, i) => (i === 3 ? 'rejected' : 'fulfilled')));
    expect((outcomes[3] as PromiseRejectedResult).reason).toBeInstanceOf(ConflictError);
    expect(await auditRows(keys)).toBe(9);
    const served = await readServedEntries(deps.redis, deps.keys, 'staging');
    expect(served.flags[keys[3]!]?.description).toBe('stage 0');
    expect(served.flags[keys[4]!]?.description).toBe('stage 50');
  });

  it('two writers of the same flag from the same version: one wins, the other conflicts, as without grouping', async () => {
    const key = 'group.same-flag';
    await applyChange(deps, change(key, 0, 0));
    const commits = groupCommit(deps);
    const outcomes = await Promise.allSettled([commits.apply(change(key, 20, 1)), commits.apply(change(key, 40, 1))]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(outcomes.find((o) => o.status === 'rejected')!.reason).toBeInstanceOf(ConflictError);
  });

  it('the same change handed in twice at once is applied once', async () => {
    const key = 'group.retried';
    await applyChange(deps, change(key, 0, 0));
    const commits = groupCommit(deps);
    const once = change(key, 30, 1);
    const [first, second] = await Promise.all([commits.apply(once), commits.apply(once)]);
    expect([first.version, second.version]).toEqual([2, 2]);
    expect([first.applied, second.applied].sort()).toEqual([false, true]);
    expect(await auditRows([key])).toBe(1);
  });
});
