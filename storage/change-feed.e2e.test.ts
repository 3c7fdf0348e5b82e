import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { beforeEach, describe, expect, it } from 'vitest';
import { importEntries } from '../cli/import-command.js';
import type { Change } from '../core/change.js';
import type { FlagDocument } from '../core/model/flag.js';
import { clearRedisPrefix, type TestDatabase } from '../test/db.js';
import { useStorageHarness } from '../test/storage-harness.js';
import { feedHead, readFeed, readServedEntries } from '../test/redis-entries.js';
import { testFlagDocument } from '../test/temporal.js';
import { applyChange, buildSnapshot } from './apply-change.js';
import { applyChanges } from './apply-changes.js';
import { verifyAuditChain } from './audit.js';
import { readEpoch } from './database-epoch.js';
import { publishDeltas } from './delta-publisher.js';
import type { StorageDeps } from './deps.js';
import { getFlag } from './flags.js';

let db: TestDatabase;
let redis: Redis;
let deps: StorageDeps;
let prefix: string;
const ENVS = ['dev', 'production', 'staging'];
useStorageHarness('storage-feed', (h) => ({ db, redis, deps, prefix } = h));

const flagDoc = (key: string, extra: Partial<FlagDocument> = {}) =>
  ({ ...testFlagDocument({ key }), ...extra }) as FlagDocument;

function change(key: string, document: FlagDocument, expectedVersion: number): Change {
  return {
    changeId: randomUUID(),
    actor: 'U_ALICE',
    action: expectedVersion ? 'flag.update' : 'flag.create',
    target: { kind: 'flag', key, document },
    expectedVersion,
    reason: 'feed test',
  };
}

/** Creates a flag and returns its stored document and version. */
async function created(key: string): Promise<{ document: FlagDocument; version: number }> {
  await applyChange(deps, change(key, flagDoc(key), 0));
  const stored = (await getFlag(db.pool, key))!;
  return { document: stored.document, version: stored.version };
}

const killedIn = (document: FlagDocument, env: string): FlagDocument => ({
  ...document,
  environments: { ...document.environments, [env]: { killed: true } as never },
});

async function pgVersions(): Promise<Record<string, number>> {
  const { rows } = await db.pool.query<{ name: string; snapshot_version: string }>(
    'SELECT name, snapshot_version FROM environments',
  );
  return Object.fromEntries(rows.map((r) => [r.name, Number(r.snapshot_version)]));
}

/** Resolves once some session of the test database waits for a lock (what a global lock would make the change do). */
async function blockedOnALock(): Promise<void> {
  for (;;) {
    const { rows } = await db.pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
    );
    if (rows[0]!.n > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('a change publishes only what it changed', () => {
  beforeEach(async () => {
    // Every environment holds something, so a first delta finds its hash.
    await created(`warm.${randomUUID().slice(0, 8)}`);
  });

  it("a change to one environment's state bumps only that environment and writes a one-field delta", async () => {
    const flag = await created('one.env');
    const before = await pgVersions();
    const head = await feedHead(redis, deps.keys);

    const applied = await applyChange(deps, change('one.env', killedIn(flag.document, 'production'), flag.version));

    expect(applied.snapshots).toEqual({ production: before.production! + 1 });
    expect(await pgVersions()).toEqual({ ...before, production: before.production! + 1 });
    const feed = await readFeed(redis, deps.keys, head);
    expect(feed.map((f) => f.entry)).toEqual([
      expect.objectContaining({
        kind: 'delta',
        env: 'production',
        from: before.production,
        version: before.production! + 1,
        del: [],
      }),
    ]);
    const delta = feed[0]!.entry as Extract<(typeof feed)[0]['entry'], { kind: 'delta' }>;
    expect(Object.keys(delta.set)).toEqual(['flag:one.env']);
    expect(JSON.parse(delta.set['flag:one.env']!).environments).toEqual({
      production: expect.objectContaining({ killed: true }),
    });
    expect(
      (await readServedEntries(redis, deps.keys, 'production')).flags['one.env']!.environments.production!.killed,
    ).toBe(true);
  });

  it('a change to one environment neither waits for nor locks the others', async () => {
    const flag = await created('no.global.lock');
    const holder = await db.pool.connect();
    try {
      // Another writer holds staging's row; a production-only change must still go through.
      await holder.query('BEGIN');
      await holder.query("SELECT name FROM environments WHERE name = 'staging' FOR UPDATE");
      const applying = applyChange(deps, change('no.global.lock', killedIn(flag.document, 'production'), flag.version));
      const first = await Promise.race([
        applying.then(() => 'applied'),
        blockedOnALock().then(() => 'waited for the staging row'),
      ]);
      expect(first).toBe('applied');
      expect(Object.keys((await applying).snapshots)).toEqual(['production']);
    } finally {
      await holder.query('ROLLBACK');
      holder.release();
    }
  });

  it('a change of a global field touches every environment, one delta each', async () => {
    const flag = await created('global.field');
    const before = await pgVersions();
    const head = await feedHead(redis, deps.keys);

    const applied = await applyChange(
      deps,
      change('global.field', { ...flag.document, description: 'now global' }, flag.version),
    );

    expect(applied.snapshots).toEqual(Object.fromEntries(ENVS.map((env) => [env, before[env]! + 1])));
    const feed = (await readFeed(redis, deps.keys, head)).map((f) => f.entry);
    expect(feed.map((e) => (e.kind === 'delta' ? [e.env, Object.keys(e.set)] : e.kind)).sort()).toEqual(
      ENVS.map((env) => [env, ['flag:global.field']]),
    );
    for (const env of ENVS)
      expect((await readServedEntries(redis, deps.keys, env)).flags['global.field']!.description).toBe('now global');
  });

  it('two publishers finishing out of order never leave Redis behind Postgres', async () => {
    const flag = await created('out.of.order');
    const redisAt = Number(await redis.get(deps.keys.snapshotVersion('production')));
    // Two changes commit while their publications are held back (Redis unreachable for them).
    const dead = new Redis({
      port: 1,
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    dead.on('error', () => undefined);
    const first = killedIn(flag.document, 'production');
    const v5 = await applyChange({ ...deps, redis: dead }, change('out.of.order', first, flag.version));
    const second = { ...first, environments: { production: { killed: false } as never } };
    const v6 = await applyChange({ ...deps, redis: dead }, change('out.of.order', second, flag.version + 1));
    dead.disconnect();
    expect([v5.snapshots.production, v6.snapshots.production]).toEqual([redisAt + 1, redisAt + 2]);
    const epoch = await readEpoch(db.pool);
    const deltaOf = (version: number, document: FlagDocument) => ({
      env: 'production',
      epoch,
      version,
      set: { 'flag:out.of.order': JSON.stringify({ ...document, environments: document.environments }) },
      del: [],
    });

    // The later one finds a gap (Redis two behind) and writes Postgres's state in full…
    expect(await publishDeltas(deps, [deltaOf(redisAt + 2, second)])).toEqual({ production: 'full write' });
    // …and the late earlier one then finds Redis ahead and does nothing.
    expect(await publishDeltas(deps, [deltaOf(redisAt + 1, first)])).toEqual({ production: 'already newer' });

    const served = await readServedEntries(redis, deps.keys, 'production');
    expect(served.version).toBe(redisAt + 2);
    expect(served.flags['out.of.order']!.environments.production!.killed).toBe(false);
    expect(served.flags).toEqual((await buildSnapshot(db.pool, 'production')).flags);
  });

  it('after Redis lost everything the next change writes in full, and the hash equals the built snapshot', async () => {
    await created('before.flush');
    await clearRedisPrefix(redis, prefix);
    const flag = await created('after.flush');

    const feed = (await readFeed(redis, deps.keys)).map((f) => f.entry);
    expect(feed).toEqual(expect.arrayContaining(ENVS.map((env) => expect.objectContaining({ kind: 'full', env }))));
    expect(feed.some((e) => e.kind === 'delta')).toBe(false);
    for (const env of ENVS) {
      const built = await buildSnapshot(db.pool, env);
      const served = await readServedEntries(redis, deps.keys, env);
      expect(served).toEqual({
        version: built.version,
        epoch: built.epoch,
        flags: built.flags,
        configs: built.configs,
      });
      expect(served.flags['before.flush']).toBeDefined();
    }
    expect(flag.version).toBe(1);
  });

  it("a change meeting another database's epoch in Redis replaces it with a full write", async () => {
    await redis.set(deps.keys.snapshotEpoch('staging'), randomUUID());
    await redis.incrby(deps.keys.snapshotVersion('staging'), 1_000);
    const head = await feedHead(redis, deps.keys);

    await created('other.epoch');

    const built = await buildSnapshot(db.pool, 'staging');
    const staging = (await readFeed(redis, deps.keys, head))
      .map((f) => f.entry)
      .filter((e) => e.kind !== 'sdk-keys' && e.env === 'staging');
    expect(staging).toEqual([{ kind: 'full', env: 'staging', epoch: built.epoch, version: built.version }]);
    expect(await readServedEntries(redis, deps.keys, 'staging')).toEqual({
      version: built.version,
      epoch: built.epoch,
      flags: built.flags,
      configs: built.configs,
    });
  });
});

describe('a batch', () => {
  it('applies each entry with its own version and audit row, bumps each environment once and publishes one delta per environment', async () => {
    await created(`warm.${randomUUID().slice(0, 8)}`);
    const before = await pgVersions();
    const head = await feedHead(redis, deps.keys);
    const { rows: audit } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log');

    const keys = Array.from({ length: 7 }, (_, i) => `batched.${i}`);
    const results = await applyChanges(
      deps,
      keys.map((key) => change(key, flagDoc(key), 0)),
    );

    expect(results.map((r) => [r.key, r.version, r.applied])).toEqual(keys.map((key) => [key, 1, true]));
    expect(await pgVersions()).toEqual(Object.fromEntries(ENVS.map((env) => [env, before[env]! + 1])));
    const { rows: after } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log');
    expect(after[0]!.n - audit[0]!.n).toBe(keys.length);
    expect(await verifyAuditChain(db.pool)).toMatchObject({ ok: true });
    const feed = (await readFeed(redis, deps.keys, head)).map((f) => f.entry);
    expect(feed.map((e) => (e.kind === 'delta' ? [e.env, Object.keys(e.set).sort()] : e.kind)).sort()).toEqual(
      ENVS.map((env) => [env, keys.map((k) => `flag:${k}`)]),
    );
    for (const env of ENVS)
      expect(Object.keys((await readServedEntries(redis, deps.keys, env)).flags)).toEqual(expect.arrayContaining(keys));
  });

  it('in batches of three, nine changes (one id given twice) bump each environment once per batch, one delta per environment per batch', async () => {
    await created(`warm.${randomUUID().slice(0, 8)}`);
    const before = await pgVersions();
    const head = await feedHead(redis, deps.keys);
    const keys = Array.from({ length: 7 }, (_, i) => `thirds.${i}`);
    const twice = change('thirds.twice', flagDoc('thirds.twice'), 0);

    const results = await applyChanges(deps, [...keys.map((key) => change(key, flagDoc(key), 0)), twice, twice], {
      batchSize: 3,
    });

    expect(results.slice(-2).map((r) => [r.key, r.version, r.applied])).toEqual([
      ['thirds.twice', 1, true],
      ['thirds.twice', 1, false],
    ]);
    expect(await pgVersions()).toEqual(Object.fromEntries(ENVS.map((env) => [env, before[env]! + 3])));
    const feed = (await readFeed(redis, deps.keys, head)).map((f) => f.entry);
    expect(
      feed
        .filter((e) => e.kind === 'delta' && e.env === 'production')
        .map((e) => (e.kind === 'delta' ? Object.keys(e.set).length : 0)),
    ).toEqual([3, 3, 2]);
  });

  it('a retried batch applies nothing again, and a stale entry rolls its batch back', async () => {
    const first = change('retried.batch', flagDoc('retried.batch'), 0);
    const [once] = await applyChanges(deps, [first]);
    const [again] = await applyChanges(deps, [first]);
    expect(again).toEqual({ ...once, applied: false });

    const fresh = change('rolled.back', flagDoc('rolled.back'), 0);
    const stale = change('retried.batch', flagDoc('retried.batch', { description: 'stale' }), 0);
    await expect(applyChanges(deps, [fresh, stale])).rejects.toThrow(
      'flag retried.batch already exists (version 1): expected to create it',
    );
    expect(await getFlag(db.pool, 'rolled.back')).toBeUndefined();
  });

  it('an import of N flags in batches writes N audit rows and, per batch, one feed entry per environment', async () => {
    await created(`warm.${randomUUID().slice(0, 8)}`);
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-import-'));
    const keys = Array.from({ length: 12 }, (_, i) => `imported.${String(i).padStart(2, '0')}`);
    for (const key of keys) writeFileSync(join(dir, `${key}.json`), JSON.stringify(testFlagDocument({ key })));
    const head = await feedHead(redis, deps.keys);
    const { rows: audit } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log');

    const report = await importEntries(deps, dir, { actor: 'cli:test' });

    expect(report).toMatchObject({
      applied: keys.length,
      unchanged: 0,
      lines: keys.map((key) => `+ flag ${key} (new)`),
    });
    const { rows: after } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log');
    expect(after[0]!.n - audit[0]!.n).toBe(keys.length);
    const feed = (await readFeed(redis, deps.keys, head)).map((f) => f.entry);
    expect(feed.map((e) => (e.kind === 'sdk-keys' ? e.kind : e.env)).sort()).toEqual(ENVS);
  });
});
