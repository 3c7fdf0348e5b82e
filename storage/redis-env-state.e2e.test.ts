import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FlagDocument } from '../core/model/flag.js';
import { type TestDatabase } from '../test/db.js';
import { useStorageHarness } from '../test/storage-harness.js';
import { testFlagDocument } from '../test/temporal.js';
import { applyChange } from './apply-change.js';
import { readEpoch } from './database-epoch.js';
import { republishBehind } from './delta-publisher.js';
import type { StorageDeps } from './deps.js';
import { readRedisEnvs, redisEnvState, type RedisEnvState } from './redis-env-state.js';
import { repairRedisOnce } from './redis-repair.js';
import { holdsEntries, publishSnapshots } from './snapshot-publisher.js';

let db: TestDatabase;
let redis: Redis;
let deps: StorageDeps;
useStorageHarness('storage-env-state', (h) => ({ db, redis, deps } = h));

const ENV = 'staging';

async function pgVersion(): Promise<number> {
  const { rows } = await db.pool.query<{ v: string }>(
    'SELECT snapshot_version AS v FROM environments WHERE name = $1',
    [ENV],
  );
  return Number(rows[0]!.v);
}

/** What the shared rule says of staging, read from Redis and Postgres as the repair loop reads them. */
async function stateOfStaging(): Promise<RedisEnvState> {
  const [held] = await readRedisEnvs(deps, [ENV]);
  return redisEnvState(held!, {
    epoch: await readEpoch(db.pool),
    version: await pgVersion(),
    holdsEntries: await holdsEntries(db.pool),
  });
}

const repaired = async () => (await repairRedisOnce(deps, { inFlightGraceMs: 0 })).republished;

describe('a database holding no entry', () => {
  it('has no entries hash in Redis, and that is not a loss', async () => {
    await publishSnapshots(deps, undefined, { force: true });
    expect(await redis.exists(deps.keys.entries(ENV))).toBe(0);
    expect(await stateOfStaging()).toEqual({ state: 'current' });
    expect(await repaired()).toEqual({});
  });

  it('still needs its version key', async () => {
    await redis.del(deps.keys.snapshotVersion(ENV));
    expect(await stateOfStaging()).toEqual({ state: 'missing', staleReason: 'missing from redis' });
    expect(await repaired()).toEqual({ [ENV]: 'missing from redis' });
    expect(await stateOfStaging()).toEqual({ state: 'current' });
  });
});

describe('a database holding entries', () => {
  let epoch: string;
  beforeAll(async () => {
    const document = { ...testFlagDocument({ key: 'env-state.flag' }) } as FlagDocument;
    await applyChange(deps, {
      changeId: randomUUID(),
      actor: 'U_ALICE',
      action: 'flag.create',
      target: { kind: 'flag', key: document.key, document },
      expectedVersion: 0,
      reason: 'state test',
    });
    epoch = await readEpoch(db.pool);
  });

  // Each case breaks staging's copy in Redis one way, after a forced full write put it right.
  const stale: Array<{ how: string; state: string; breakIt: () => Promise<unknown>; reason: () => Promise<string> }> = [
    {
      how: 'version key deleted',
      state: 'missing',
      breakIt: () => redis.del(deps.keys.snapshotVersion(ENV)),
      reason: async () => 'missing from redis',
    },
    {
      how: 'entries hash deleted',
      state: 'entries missing',
      breakIt: () => redis.del(deps.keys.entries(ENV)),
      reason: async () => 'entries missing from redis',
    },
    {
      how: 'epoch of another database',
      state: 'other epoch',
      breakIt: () => redis.set(deps.keys.snapshotEpoch(ENV), 'another-database'),
      reason: async () => `redis holds epoch another-database, postgres is ${epoch}`,
    },
    {
      how: 'epoch key deleted',
      state: 'other epoch',
      breakIt: () => redis.del(deps.keys.snapshotEpoch(ENV)),
      reason: async () => `redis holds epoch (none), postgres is ${epoch}`,
    },
    {
      how: 'one version behind',
      state: 'behind',
      breakIt: async () => redis.set(deps.keys.snapshotVersion(ENV), String((await pgVersion()) - 1)),
      reason: async () => `redis holds version ${(await pgVersion()) - 1}, postgres ${await pgVersion()}`,
    },
  ];

  it.each(stale)(
    '$how: $state, named by the rule, republished by a retried change and by the repair loop',
    async ({ state, breakIt, reason }) => {
      await publishSnapshots(deps, undefined, { force: true });
      expect(await stateOfStaging()).toEqual({ state: 'current' });

      await breakIt();
      expect(await stateOfStaging()).toEqual({ state, staleReason: await reason() });
      expect(await republishBehind(deps, { [ENV]: await pgVersion(), dev: await pgVersion() })).toEqual([ENV]);
      expect(await stateOfStaging()).toEqual({ state: 'current' });

      await breakIt();
      expect(await repaired()).toEqual({ [ENV]: await reason() });
      expect(await stateOfStaging()).toEqual({ state: 'current' });
    },
  );

  it('ahead: a retried change leaves it alone; the repair loop takes it for a database gone back in time and mints a new epoch', async () => {
    await publishSnapshots(deps, undefined, { force: true });
    const version = await pgVersion();
    await redis.set(deps.keys.snapshotVersion(ENV), String(version + 1));
    const reason = `redis holds version ${version + 1} of this epoch, above postgres's ${version}`;
    expect(await stateOfStaging()).toEqual({ state: 'ahead', staleReason: reason });
    expect(await republishBehind(deps, { [ENV]: version })).toEqual([]);

    const report = await repairRedisOnce(deps, { inFlightGraceMs: 0 });
    expect(report).toMatchObject({
      mintedEpoch: true,
      republished: { [ENV]: `${reason}: the database went back in time`, dev: 'new epoch' },
    });
    expect(report.epoch).not.toBe(epoch);
    expect(await stateOfStaging()).toEqual({ state: 'current' });
  });
});
