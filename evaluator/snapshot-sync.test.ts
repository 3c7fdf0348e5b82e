import { describe, expect, it } from 'vitest';
import { compileSnapshot, flagEvaluatorOf } from '../core/engine/index.js';
import { createLogger } from '../storage/logger.js';
import type { FlagDocument } from '../core/model/flag.js';
import type { EnvSnapshot } from '../core/snapshot.js';
import { FakeSnapshotReader } from '../test/fake-snapshot-reader.js';
import { flag, killedIn, SEED_KEY, seedFlag, snapshotOf } from '../test/snapshots.js';
import { HeldSnapshots, type CompileFn } from './held-snapshots.js';
import { hashSdkKey } from '../core/sdk-key.js';
import { SnapshotSync } from './snapshot-sync.js';

const log = createLogger('silent');
const dogfooder = { env: 'production', targetingKey: 'ada', user: { email: 'ada@companyos.io' } };
const keyRecord = (env: string) => JSON.stringify({ id: `id-${env}`, env, scopes: ['flags'], name: `${env} key` });

function syncOver(reader: FakeSnapshotReader, options: { environments?: string[]; compile?: CompileFn } = {}) {
  const held = new HeldSnapshots(options.compile ?? ((s) => compileSnapshot(s)), log);
  const syncs: Array<{ reason: string; first: boolean }> = [];
  const sync = new SnapshotSync({
    reader,
    held,
    log,
    environments: options.environments ?? ['production'],
    synced: (reason, first) => syncs.push({ reason, first }),
  });
  return { held, sync, syncs };
}

/** A published snapshot of the one database these tests use. */
const at = (env: string, version: number, flags?: Parameters<typeof snapshotOf>[2]): EnvSnapshot => ({
  ...snapshotOf(env, version, flags),
  epoch: 'db',
});
const full = (env: string, version: number, epoch = 'db') => ({ kind: 'full' as const, env, epoch, version });

const served = (held: HeldSnapshots, env = 'production') =>
  held.get(env)?.compiled.evaluate(SEED_KEY, { ...dogfooder, env });

describe('keeping the held snapshots in step with what is published', () => {
  it('loads every known environment on the first comparison, and serves an empty one where nothing is published', async () => {
    const reader = new FakeSnapshotReader().put(snapshotOf('production', 3));
    const { held, sync, syncs } = syncOver(reader, { environments: ['production', 'staging'] });
    await sync.run('start', true);
    expect(held.versions()).toEqual({ production: 3, staging: 0 });
    expect(served(held)).toMatchObject({ ok: true, variant: 'rust_engine' });
    expect(sync.loaded).toBe(true);
    expect(syncs).toEqual([{ reason: 'start', first: true }]);
  });

  it('discovers environments that are published or that an SDK key names', async () => {
    const reader = new FakeSnapshotReader().put(snapshotOf('production', 1)).put(snapshotOf('dev', 4));
    reader.sdkKeyHash = { [hashSdkKey('sy_eu')]: keyRecord('eu') };
    const { held, sync } = syncOver(reader, { environments: [] });
    await sync.run('start', false);
    expect(held.versions()).toEqual({ eu: 0 });
    await sync.run('connected', true);
    expect(held.versions()).toEqual({ eu: 0, production: 1, dev: 4 });
  });

  it('never steps back to an older version, nor reloads one it holds', async () => {
    const reader = new FakeSnapshotReader().put(at('production', 5, [killedIn('production')]));
    const { held, sync } = syncOver(reader);
    await sync.run('start', true);
    reader.put(at('production', 4));
    await sync.run('poll', false);
    await sync.applyFeed([full('production', 4), full('production', 5)]);
    expect(held.versionOf('production')).toBe(5);
    expect(served(held)).toMatchObject({ reason: 'DISABLED' });
    expect(reader.reads.get('production')).toBe(1);
  });

  it('keeps serving the held snapshot when a newer one is unreadable or does not compile', async () => {
    const reader = new FakeSnapshotReader().put(snapshotOf('production', 1));
    const broken = new Set<number>([3]);
    const compile: CompileFn = (snapshot: EnvSnapshot) => {
      if (broken.has(snapshot.version)) throw new Error('does not compile');
      return compileSnapshot(snapshot);
    };
    const { held, sync } = syncOver(reader, { compile });
    await sync.run('start', true);
    reader.stored.set('production', { unreadable: 'not valid JSON', version: 2 });
    await sync.run('poll', false);
    expect(held.versionOf('production')).toBe(1);
    reader.put(snapshotOf('production', 3, [killedIn('production')]));
    await sync.applyFeed([full('production', 3)]);
    expect(held.versionOf('production')).toBe(1);
    expect(served(held)).toMatchObject({ variant: 'rust_engine' });
  });

  it('keeps what it holds through an unreachable Redis, and counts only comparisons that succeeded', async () => {
    const reader = new FakeSnapshotReader().put(snapshotOf('production', 2));
    const { held, sync, syncs } = syncOver(reader);
    reader.unreachable = true;
    await sync.run('start', true);
    expect(sync.loaded).toBe(false);
    expect(sync.lastSyncAt).toBeUndefined();
    reader.unreachable = false;
    await sync.run('connected', true);
    reader.unreachable = true;
    await sync.run('poll', false);
    await expect(sync.applyFeed([full('production', 9)])).rejects.toThrow('Connection is closed');
    expect(held.versionOf('production')).toBe(2);
    expect(syncs).toEqual([{ reason: 'connected', first: true }]);
  });

  it('folds comparisons requested while one runs into one more run', async () => {
    const reader = new FakeSnapshotReader().put(snapshotOf('production', 1));
    const { sync, syncs } = syncOver(reader);
    await Promise.all([
      sync.run('start', true),
      sync.run('poll', false),
      sync.run('poll', false),
      sync.run('subscribed', true),
    ]);
    expect(syncs.map((s) => s.first)).toEqual([true, false]);
  });
});

describe('keeping the SDK key table', () => {
  it('keeps the held keys when the table vanishes unannounced (Redis restarted empty), and drops them when storage announces it', async () => {
    const reader = new FakeSnapshotReader().put(snapshotOf('production', 1));
    reader.sdkKeyHash = { [hashSdkKey('sy_prod')]: keyRecord('production') };
    const { sync } = syncOver(reader);
    await sync.run('start', true);
    expect(sync.findSdkKey('sy_prod')?.env).toBe('production');
    reader.sdkKeyHash = {};
    await sync.run('connected', true);
    expect(sync.findSdkKey('sy_prod')?.env).toBe('production');
    await sync.applyFeed([{ kind: 'sdk-keys' }]);
    expect(sync.findSdkKey('sy_prod')).toBeUndefined();
  });

  it('loads the environment of a key that names one it did not know', async () => {
    const reader = new FakeSnapshotReader().put(snapshotOf('production', 1)).put(snapshotOf('eu', 7));
    const { held, sync } = syncOver(reader);
    await sync.run('start', false);
    expect(held.has('eu')).toBe(false);
    reader.sdkKeyHash = { [hashSdkKey('sy_eu')]: keyRecord('eu') };
    await sync.applyFeed([{ kind: 'sdk-keys' }]);
    await expect.poll(() => held.versionOf('eu')).toBe(7);
    expect(sync.findSdkKey('sy_eu')?.env).toBe('eu');
  });
});

describe('epochs and readiness', () => {
  it('reloads in full a snapshot of another database epoch, even at a lower version', async () => {
    const reader = new FakeSnapshotReader().put({ ...snapshotOf('production', 9), epoch: 'old-db' });
    const { held, sync } = syncOver(reader);
    await sync.run('start', true);
    reader.put({ ...snapshotOf('production', 1, [killedIn('production')]), epoch: 'new-db' });
    await sync.applyFeed([full('production', 1, 'new-db')]);
    expect(held.versionOf('production')).toBe(1);
    expect(served(held)).toMatchObject({ reason: 'DISABLED' });
    // Within the new epoch, versions are monotonic again.
    reader.put({ ...snapshotOf('production', 0), epoch: 'new-db' });
    await sync.run('poll', false);
    expect(held.versionOf('production')).toBe(1);
  });

  it('is not ready while it holds nothing published or no key table, and stays ready once it has held them', async () => {
    const reader = new FakeSnapshotReader();
    const { sync } = syncOver(reader, { environments: ['production', 'dev'] });
    expect(sync.waitingFor()).toEqual(['no snapshot loaded from Redis yet']);
    await sync.run('start', true);
    expect(sync.waitingFor()).toEqual([
      'no snapshot published in Redis for dev, production',
      'no SDK key table in Redis',
    ]);
    reader.put(snapshotOf('production', 2)).put(snapshotOf('dev', 1));
    await sync.run('poll', false);
    expect(sync.waitingFor()).toEqual(['no SDK key table in Redis']);
    reader.sdkKeyEpoch = 'db';
    await sync.run('poll', false);
    expect(sync.waitingFor()).toEqual([]);
    reader.stored.clear();
    reader.sdkKeyEpoch = undefined;
    await sync.run('poll', false);
    expect(sync.waitingFor()).toEqual([]);
  });
});

describe('following the change feed', () => {
  const banner = flag({
    key: 'ui.banner',
    kind: 'ops',
    description: 'Banner',
    owner: 'web',
    default: 'off',
    variations: [
      { id: 'off', value: 'none' },
      { id: 'sale', value: 'sale' },
    ],
  });
  const deltaEntry = (
    from: number,
    version: number,
    set: Record<string, unknown>,
    del: string[] = [],
    epoch = 'db',
  ) => ({
    kind: 'delta' as const,
    env: 'production',
    epoch,
    from,
    version,
    generatedAt: new Date().toISOString(),
    set: Object.fromEntries(Object.entries(set).map(([field, value]) => [field, JSON.stringify(value)])),
    del,
  });

  it('applies a delta in place: no full read, untouched flags keep their compiled closures, one swap per batch', async () => {
    const reader = new FakeSnapshotReader().put(at('production', 1, [seedFlag(), banner]));
    const { held, sync } = syncOver(reader);
    await sync.run('start', true);
    const bannerBefore = flagEvaluatorOf(held.get('production')!.compiled, banner.key);
    const swaps: number[] = [];
    held.onSwap((h) => swaps.push(h.compiled.version));
    await sync.applyFeed([
      deltaEntry(1, 2, { [`flag:${SEED_KEY}`]: { ...seedFlag(), description: 'edited' } }),
      deltaEntry(2, 3, { [`flag:${SEED_KEY}`]: killedIn('production') }),
    ]);
    expect(held.versionOf('production')).toBe(3);
    expect(served(held)).toMatchObject({ reason: 'DISABLED' });
    expect(reader.reads.get('production')).toBe(1);
    expect(flagEvaluatorOf(held.get('production')!.compiled, banner.key)).toBe(bannerBefore);
    expect(swaps).toEqual([3]);
    expect(
      (JSON.parse(held.get('production')!.flags.get(SEED_KEY)!) as FlagDocument).environments.production?.killed,
    ).toBe(true);
  });

  it('deletes what a delta deletes, and skips deltas it already holds', async () => {
    const reader = new FakeSnapshotReader().put(at('production', 4, [seedFlag(), banner]));
    const { held, sync } = syncOver(reader);
    await sync.run('start', true);
    await sync.applyFeed([
      deltaEntry(3, 4, { [`flag:${SEED_KEY}`]: killedIn('production') }),
      deltaEntry(4, 5, {}, [`flag:${banner.key}`]),
    ]);
    expect(held.get('production')!.compiled.flagKeys()).toEqual([SEED_KEY]);
    expect(served(held)).toMatchObject({ variant: 'rust_engine' });
    expect(reader.reads.get('production')).toBe(1);
  });

  it('reloads in full on a gap (a delta from ahead of what it holds), on another epoch and on an unreadable delta', async () => {
    const reader = new FakeSnapshotReader().put(at('production', 1));
    const { held, sync } = syncOver(reader);
    await sync.run('start', true);
    reader.put(at('production', 3, [killedIn('production')]));
    await sync.applyFeed([deltaEntry(2, 3, { [`flag:${SEED_KEY}`]: killedIn('production') })]);
    expect(reader.reads.get('production')).toBe(2);
    expect(held.versionOf('production')).toBe(3);
    expect(served(held)).toMatchObject({ reason: 'DISABLED' });

    reader.put({ ...snapshotOf('production', 1), epoch: 'other-db' });
    await sync.applyFeed([deltaEntry(0, 1, {}, [], 'other-db')]);
    expect(held.epochOf('production')).toBe('other-db');
    expect(served(held)).toMatchObject({ variant: 'rust_engine' });

    reader.put({ ...snapshotOf('production', 2), epoch: 'other-db' });
    const broken = { ...deltaEntry(1, 2, {}, [], 'other-db'), set: { [`flag:${SEED_KEY}`]: '{not json' } };
    await sync.applyFeed([broken]);
    expect(reader.reads.get('production')).toBe(4);
    expect(held.versionOf('production')).toBe(2);
  });
});
