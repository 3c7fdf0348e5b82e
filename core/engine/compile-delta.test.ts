import { describe, expect, it } from 'vitest';
import type { EnvSnapshot } from '../snapshot.js';
import { flag, killedIn, seedFlag, SEED_KEY, snapshotOf } from '../../test/snapshots.js';
import { compileSnapshot, flagEvaluatorOf } from './compile.js';
import { applySnapshotDelta, compileDelta, ownedSnapshot, type SnapshotDelta } from './compile-delta.js';

const dogfooder = { targetingKey: 'ada', env: 'production', user: { email: 'ada@companyos.io' } };
const many = Array.from({ length: 50 }, (_, i) =>
  flag({
    key: `bulk.${String(i).padStart(2, '0')}`,
    kind: 'ops',
    description: 'd',
    owner: 'o',
    default: 'off',
    variations: [
      { id: 'off', value: false },
      { id: 'on', value: true },
    ],
  }),
);

function delta(changes: Partial<SnapshotDelta>, from = 1, version = 2): SnapshotDelta {
  return {
    env: 'production',
    epoch: 'db',
    from,
    version,
    generatedAt: new Date().toISOString(),
    flags: { set: {}, del: [] },
    configs: { set: {}, del: [] },
    ...changes,
  };
}

describe('compiling a delta', () => {
  it('recompiles only the changed flag and reuses every other closure', () => {
    const first = compileSnapshot(snapshotOf('production', 1, [seedFlag(), ...many]));
    const untouched = many.map((f) => flagEvaluatorOf(first, f.key));
    const seedBefore = flagEvaluatorOf(first, SEED_KEY);
    const next = compileDelta(first, 2, {
      flags: { set: { [SEED_KEY]: killedIn('production') }, del: [] },
      configs: { set: {}, del: [] },
    })!;
    expect(next.version).toBe(2);
    expect(next.evaluate(SEED_KEY, dogfooder)).toMatchObject({ reason: 'DISABLED' });
    expect(flagEvaluatorOf(next, SEED_KEY)).not.toBe(seedBefore);
    many.forEach((f, i) => expect(flagEvaluatorOf(next, f.key)).toBe(untouched[i]));
  });

  it('keeps bulk answers in one stable order through additions and deletions, the same as a full compile', () => {
    const first = compileSnapshot(snapshotOf('production', 1, [many[3]!, seedFlag(), many[1]!]));
    const added = flag({ ...many[0]!, key: 'aaa.first' });
    const next = compileDelta(first, 2, {
      flags: { set: { [added.key]: added, [many[2]!.key]: many[2]! }, del: [many[1]!.key] },
      configs: { set: {}, del: [] },
    })!;
    const full = compileSnapshot(snapshotOf('production', 2, [many[3]!, seedFlag(), added, many[2]!]));
    expect(next.flagKeys()).toEqual(full.flagKeys());
    expect(next.flagKeys()).toEqual(['aaa.first', 'bulk.02', 'bulk.03', SEED_KEY]);
    expect(next.evaluateAll(dogfooder)).toEqual(full.evaluateAll(dogfooder));
    expect(next.evaluate(many[1]!.key, dogfooder)).toMatchObject({ ok: false, errorCode: 'FLAG_NOT_FOUND' });
    expect(next.has(many[1]!.key)).toBe(false);
  });

  it('refuses to fork a lineage: only the newest compiled snapshot can be extended', () => {
    const first = compileSnapshot(snapshotOf('production', 1));
    const none = { flags: { set: {}, del: [] }, configs: { set: {}, del: [] } };
    expect(compileDelta(first, 2, none)).toBeDefined();
    expect(compileDelta(first, 3, none)).toBeUndefined();
  });

  it('changes configs as the delta says', () => {
    const entry = { key: 'limit', valueType: 'int', value: 5, scopes: [] } as unknown as EnvSnapshot['configs'][string];
    const first = compileSnapshot(snapshotOf('production', 1, [], { limit: entry, gone: { ...entry, key: 'gone' } }));
    const next = compileDelta(first, 2, {
      flags: { set: {}, del: [] },
      configs: { set: { limit: { ...entry, value: 9 } }, del: ['gone'] },
    })!;
    expect(next.resolveConfig('limit', {})).toMatchObject({ ok: true, value: 9 });
    expect(next.resolveConfig('gone', {})).toMatchObject({ ok: false, errorCode: 'FLAG_NOT_FOUND' });
  });
});

describe('applying a delta to what a holder keeps', () => {
  it('edits the held entries and stamps the new version and epoch', () => {
    const snapshot = ownedSnapshot(snapshotOf('production', 1, [seedFlag(), many[0]!]));
    const held = { snapshot, compiled: compileSnapshot(snapshot) };
    const next = applySnapshotDelta(
      held,
      delta({ flags: { set: { [SEED_KEY]: killedIn('production') }, del: [many[0]!.key] } }),
      () => {
        throw new Error('a full compile was not needed');
      },
    );
    expect(next.snapshot).toMatchObject({ env: 'production', version: 2, epoch: 'db' });
    expect(Object.keys(next.snapshot.flags)).toEqual([SEED_KEY]);
    expect(next.compiled.evaluate(SEED_KEY, dogfooder)).toMatchObject({ reason: 'DISABLED' });
  });

  it('compiles the whole next snapshot on a copy when the held one cannot be extended, and leaves it alone if that fails', () => {
    const snapshot = snapshotOf('production', 1);
    const foreign = { ...compileSnapshot(snapshot) };
    const held = { snapshot, compiled: foreign };
    const next = applySnapshotDelta(
      held,
      delta({ flags: { set: { [SEED_KEY]: killedIn('production') }, del: [] } }),
      (s) => compileSnapshot(s),
    );
    expect(next.compiled.evaluate(SEED_KEY, dogfooder)).toMatchObject({ reason: 'DISABLED' });
    expect(() =>
      applySnapshotDelta(held, delta({ flags: { set: {}, del: [SEED_KEY] } }), () => {
        throw new Error('does not compile');
      }),
    ).toThrow('does not compile');
    expect(Object.keys(snapshot.flags)).toEqual([SEED_KEY]);
  });
});
