import { describe, expect, it } from 'vitest';
import { compileSnapshot } from '../core/engine/index.js';
import type { EvaluationResult } from '../core/engine/types.js';
import { flagDocumentSchema, type FlagDocumentInput } from '../core/model/flag.js';
import { createEvaluatorMetrics } from './metrics.js';
import { createItemWriter } from './ofrep-items.js';

const variations = [
  { id: 'off', value: { theme: 'classic', sizes: [1, 2] } },
  { id: 'on', value: { theme: 'new "quoted" \u2028 theme' } },
];
const flag = (key: string, production: NonNullable<FlagDocumentInput['environments']>[string]) =>
  flagDocumentSchema.parse({
    key,
    kind: 'ops',
    description: 'd',
    owner: 'o',
    default: 'off',
    variations,
    environments: { production },
  });

const compiled = compileSnapshot({
  env: 'production',
  version: 3,
  generatedAt: new Date(0).toISOString(),
  flags: {
    'a.static': flag('a.static', { serve: { serve: 'on' } }),
    'b.split': flag('b.split', { serve: { rollout: { off: 50, on: 50 } } }),
    'c.killed': flag('c.killed', { killed: true }),
  },
  configs: {},
});

/** The item as OFREP defines it, built the plain way. */
function plainItem(result: EvaluationResult) {
  if (!result.ok) return { key: result.key, errorCode: result.errorCode, errorDetails: result.errorDetails };
  return {
    key: result.key,
    value: result.value,
    variant: result.variant,
    reason: result.reason,
    metadata: { decidedBy: result.decidedBy, env: 'production', snapshotVersion: 3 },
  };
}

const noStore = {
  status: () => ({
    redisConnected: true,
    loaded: true,
    lastSyncAt: undefined,
    versions: {},
    epochs: {},
    waitingFor: [],
  }),
};

const results0 = () => compiled.evaluate('b.split', { targetingKey: 'user-9', env: 'production' });

describe('bulk items written from precomputed fragments', () => {
  it('are byte for byte what JSON.stringify of the items gives, errors included, on every call', () => {
    const writer = createItemWriter(createEvaluatorMetrics(noStore));
    for (const context of [
      { targetingKey: 'user-1', env: 'production' },
      { env: 'production' },
      { targetingKey: 'user-2', env: 'production' },
    ]) {
      const results = compiled.evaluateAll(context);
      const expected = JSON.stringify(results.map(plainItem));
      expect(writer.items(results, compiled).toString('utf8')).toBe(expected);
      expect(JSON.parse(writer.items(results, compiled).toString('utf8'))).toHaveLength(3);
      expect(writer.items(results, compiled, '{"flags":', ',"n":"\u00e9"}').toString('utf8')).toBe(
        `{"flags":${expected},"n":"\u00e9"}`,
      );
    }
    const single = writer.item(results0(), compiled);
    expect('bytes' in single && single.bytes.toString('utf8')).toBe(JSON.stringify(plainItem(results0())));
    const missingKey = compiled.evaluateAll({ env: 'production' }).find((result) => result.key === 'b.split')!;
    expect(JSON.parse(writer.items([missingKey], compiled).toString('utf8'))).toEqual([
      { key: 'b.split', errorCode: 'TARGETING_KEY_MISSING', errorDetails: expect.stringContaining('targetingKey') },
    ]);
    // The writer reuses its list of parts: a shorter answer, an empty one, then a longer one again.
    expect(writer.items([], compiled).toString('utf8')).toBe('[]');
    const again = compiled.evaluateAll({ targetingKey: 'user-3', env: 'production' });
    expect(writer.items(again, compiled).toString('utf8')).toBe(JSON.stringify(again.map(plainItem)));
  });

  it('name the snapshot version they are written for, also for results shared across versions', () => {
    const writer = createItemWriter(createEvaluatorMetrics(noStore));
    const results = compiled.evaluateAll({ targetingKey: 'user-1', env: 'production' });
    const next = { env: 'production', version: 4, has: (key: string) => compiled.has(key) };
    writer.items(results, compiled);
    const later = JSON.parse(writer.items(results, next).toString('utf8')) as {
      metadata: { snapshotVersion: number };
    }[];
    expect(later.map((item) => item.metadata.snapshotVersion)).toEqual([4, 4, 4]);
    const single = writer.item(results[0]!, compiled);
    expect('bytes' in single && JSON.parse(single.bytes.toString('utf8'))).toMatchObject({
      metadata: { snapshotVersion: 3 },
    });
  });

  it('count every evaluation they write, once per item', async () => {
    const metrics = createEvaluatorMetrics(noStore);
    const writer = createItemWriter(metrics);
    for (let i = 0; i < 4; i++)
      writer.items(compiled.evaluateAll({ targetingKey: `u${i}`, env: 'production' }), compiled);
    const text = await metrics.registry.metrics();
    expect(text).toMatch(
      /switchyard_evaluations_total\{flag="a.static",variant="on",environment="production",reason="STATIC"\} 4/,
    );
    expect(text).toMatch(
      /switchyard_evaluations_total\{flag="c.killed",variant="off",environment="production",reason="DISABLED"\} 4/,
    );
  });
});
