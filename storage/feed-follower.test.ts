import { describe, expect, it } from 'vitest';
import { FakeSnapshotReader } from '../test/fake-snapshot-reader.js';
import type { FeedEntry } from './change-feed.js';
import { feedDecision, planFeedBatch } from './feed-batch.js';
import { FeedFollower } from './feed-follower.js';

const delta = (
  from: number,
  version: number,
  set: Record<string, unknown> = {},
  del: string[] = [],
  epoch = 'db',
): FeedEntry => ({
  kind: 'delta',
  env: 'production',
  epoch,
  from,
  version,
  generatedAt: '2026-01-01T00:00:00.000Z',
  set: Object.fromEntries(Object.entries(set).map(([field, value]) => [field, JSON.stringify(value)])),
  del,
});

describe('deciding what a feed entry asks of a holder', () => {
  it('applies a delta from exactly what is held, skips one already held, and reloads on a gap or another epoch', () => {
    const held = { version: 5, epoch: 'db' };
    expect(feedDecision(held, { epoch: 'db', from: 5, version: 6 })).toBe('apply');
    expect(feedDecision(held, { epoch: 'db', from: 4, version: 5 })).toBe('skip');
    expect(feedDecision(held, { epoch: 'db', from: 6, version: 7 })).toBe('reload');
    expect(feedDecision(held, { epoch: 'other', from: 0, version: 1 })).toBe('reload');
    expect(feedDecision(undefined, { epoch: 'db', from: 5, version: 6 })).toBe('reload');
    // A snapshot written without an epoch ('' on the feed) follows deltas written without one.
    expect(feedDecision({ version: 1 }, { epoch: '', from: 1, version: 2 })).toBe('apply');
  });

  it('folds a run of deltas into one per environment, the last write of a key winning', () => {
    const plan = planFeedBatch(
      [
        delta(1, 2, { 'flag:a': { key: 'a', n: 1 }, 'flag:b': { key: 'b' } }),
        delta(2, 3, { 'flag:a': { key: 'a', n: 2 }, 'config:c': { key: 'c' } }, ['flag:b']),
        { kind: 'sdk-keys' },
      ],
      () => ({ version: 1, epoch: 'db' }),
    );
    expect(plan.reload).toEqual([]);
    expect(plan.sdkKeys).toBe(true);
    expect(plan.deltas).toHaveLength(1);
    expect(plan.deltas[0]).toMatchObject({
      from: 1,
      version: 3,
      flags: { set: { a: { key: 'a', n: 2 } }, del: ['b'] },
      configs: { set: { c: { key: 'c' } }, del: [] },
    });
  });

  it('sends an environment to a full reload on a gap, a newer full entry or an unreadable delta, and drops its folded deltas', () => {
    const gap = planFeedBatch([delta(1, 2), delta(3, 4)], () => ({ version: 1, epoch: 'db' }));
    expect(gap).toMatchObject({ deltas: [], reload: ['production'] });
    const full = planFeedBatch([{ kind: 'full', env: 'production', epoch: 'db', version: 2 }], () => ({
      version: 1,
      epoch: 'db',
    }));
    expect(full.reload).toEqual(['production']);
    const stale = planFeedBatch([{ kind: 'full', env: 'production', epoch: 'db', version: 1 }], () => ({
      version: 1,
      epoch: 'db',
    }));
    expect(stale.reload).toEqual([]);
    const broken = planFeedBatch([{ ...delta(1, 2), set: { 'flag:a': '{' } } as FeedEntry], () => ({
      version: 1,
      epoch: 'db',
    }));
    expect(broken.reload).toEqual(['production']);
    expect(broken.problems[0]).toMatch(/"flag:a" is not valid JSON/);
  });
});

describe('following the feed', () => {
  it('reads the tail before the full load, then every entry after it; after a failure it resyncs and resumes from the last id', async () => {
    const reader = new FakeSnapshotReader();
    reader.append(delta(0, 1));
    const calls: string[] = [];
    const seen: number[] = [];
    let failOnce = true;
    const follower = new FeedFollower(
      reader,
      {
        resync: async (reason) => {
          calls.push(`resync ${reason} after ${reader.feed.length} entries`);
          // Published during the full load: after the tail, so the follower must read it.
          if (reason === 'start') reader.append(delta(1, 2));
          return true;
        },
        entries: async (entries) => {
          for (const entry of entries) if (entry.kind === 'delta') seen.push(entry.version);
          if (failOnce) {
            // Published while the holder fails: the resumed read must still find it.
            failOnce = false;
            reader.append(delta(2, 3));
            throw new Error('Connection is closed.');
          }
        },
      },
      { retryMs: 10, blockMs: 50 },
    );
    follower.start();
    await expect.poll(() => seen).toEqual([2, 3]);
    await follower.stop();
    expect(calls).toEqual(['resync start after 1 entries', 'resync resume after 3 entries']);
    expect(follower.position).toBe('3-0');
  });

  it('started again right after a stop, while the old loop still blocks on its read, hands each entry over once', async () => {
    const reader = new FakeSnapshotReader();
    const seen: number[] = [];
    const follower = new FeedFollower(
      reader,
      {
        resync: async () => true,
        entries: async (entries) => void entries.forEach((e) => e.kind === 'delta' && seen.push(e.version)),
      },
      { retryMs: 10, blockMs: 200 },
    );
    follower.start();
    await expect.poll(() => follower.position).toBe('0-0');
    const stopped = follower.stop();
    follower.start();
    reader.append(delta(0, 1));
    reader.append(delta(1, 2));
    await expect.poll(() => seen).toEqual([1, 2]);
    await stopped;
    await new Promise((resolve) => setTimeout(resolve, 250));
    await follower.stop();
    expect(seen).toEqual([1, 2]);
  });
});
