import { describe, expect, it } from 'vitest';
import { keyLines, lintEntries, maxAgeFor, type LintEntry } from './flag-rules.js';

const now = new Date('2026-06-01T00:00:00Z');
const maxAgeDays = { default: 90, perKind: {} };

function release(overrides: Record<string, unknown> = {}) {
  return {
    key: 'checkout.v2',
    kind: 'release',
    description: 'The new checkout',
    owner: 'team-checkout',
    expiry: '2026-07-01',
    ticket: 'SHOP-1',
    default: false,
    variations: [
      { id: 'off', value: false },
      { id: 'on', value: true },
    ],
    ...overrides,
  };
}

const lint = (documents: unknown[], limits = maxAgeDays) =>
  lintEntries(
    documents.map((document, i): LintEntry => ({ file: `flags/${i}.json`, line: 2, document })),
    { now, maxAgeDays: limits },
  );
const rules = (documents: unknown[], limits = maxAgeDays) =>
  lint(documents, limits).problems.map((p) => `${p.severity}:${p.rule}`);

describe('lintEntries', () => {
  it('passes a release flag that import accepts and that is ready', () => {
    const result = lint([release()]);
    expect(result.problems).toEqual([]);
    expect(result.flags.get('checkout.v2')).toEqual({ file: 'flags/0.json', line: 2 });
  });

  it('reports schema errors as import words them, located at the entry', () => {
    const [problem] = lint([release({ owner: undefined })]).problems;
    expect(problem).toMatchObject({ severity: 'error', rule: 'schema', file: 'flags/0.json', line: 2 });
    expect(problem!.message).toContain('owner');
  });

  it('requires an expiry of release and experiment flags, as import does', () => {
    expect(lint([release({ expiry: undefined })]).problems[0]!.message).toContain('must carry an expiry');
  });

  it('makes a past expiry an error, said once (not also as import’s warning)', () => {
    const problems = lint([release({ expiry: '2026-05-01' })]).problems;
    expect(problems.map((p) => p.rule)).toEqual(['expired']);
    expect(problems[0]!.message).toBe(
      'checkout.v2: expiry 2026-05-01 passed 31 days ago; remove the flag and its code, or extend the expiry',
    );
  });

  it('warns about a release or experiment flag without a cleanup ticket, not an ops flag', () => {
    expect(rules([release({ ticket: undefined })])).toEqual(['warning:missing-ticket']);
    expect(rules([release({ kind: 'ops', ticket: undefined, expiry: undefined, default: true })])).toEqual([]);
  });

  it('ages temporary kinds by createdAt with the default, permanent kinds only when configured', () => {
    const old = { createdAt: '2026-01-01T00:00:00Z' };
    expect(rules([release(old)])).toEqual(['warning:max-age']);
    expect(rules([release({ createdAt: '2026-04-01T00:00:00Z' })])).toEqual([]);
    expect(rules([release()])).toEqual([]); // no createdAt: age unknown, not checked
    const ops = release({ ...old, kind: 'ops', expiry: undefined, default: true });
    expect(rules([ops])).toEqual([]);
    expect(rules([ops], { default: 90, perKind: { ops: 100 } })).toEqual(['warning:max-age']);
    expect(rules([release(old)], { default: 90, perKind: { release: 200 } })).toEqual([]);
  });

  it('resolves the age limit per kind', () => {
    expect(maxAgeFor('experiment', { default: 90, perKind: { experiment: 30 } })).toBe(30);
    expect(maxAgeFor('release', { default: 60, perKind: {} })).toBe(60);
    expect(maxAgeFor('permission', { default: 60, perKind: {} })).toBeUndefined();
  });

  it('warns when a release defaults to on, or an experiment to other than control', () => {
    expect(rules([release({ default: true })])).toEqual(['warning:default-not-off']);
    const experiment = release({
      kind: 'experiment',
      default: 'b',
      offVariation: 'control',
      variations: [
        { id: 'control', value: 'a' },
        { id: 'b', value: 'b' },
      ],
    });
    const [problem] = lint([experiment]).problems;
    expect(problem!.message).toBe(
      'checkout.v2: an experiment flag should default to its control variation "control", not "b"',
    );
    expect(rules([{ ...experiment, default: 'control' }])).toEqual([]);
  });

  it('passes on import’s warnings: no off variation, expiry beyond the horizon', () => {
    const ops = release({
      kind: 'ops',
      expiry: undefined,
      default: 'light',
      variations: [
        { id: 'light', value: 'light' },
        { id: 'dark', value: 'dark' },
      ],
    });
    expect(rules([ops])).toEqual(['warning:off-variation']);
    expect(rules([release({ expiry: '2027-06-01' })])).toEqual(['warning:expiry-horizon']);
  });

  it('warns about a blank owner or description', () => {
    expect(rules([release({ owner: ' ', description: ' ' })])).toEqual(['warning:metadata', 'warning:metadata']);
  });

  it('refuses a key defined twice and checks config entries with their own schema', () => {
    const config = { key: 'page-size', type: 'config', valueType: 'int', description: 'd', owner: 'o', value: 'x' };
    const result = lint([release(), release(), config]);
    expect(result.problems.map((p) => p.rule)).toEqual(['duplicate-key', 'schema']);
    expect(result.problems[0]!.message).toContain('first in flags/0.json:2');
    expect(lint([{ ...config, value: 3 }]).otherKeys).toEqual(new Set(['page-size']));
    // An invalid flag is reported once, as a schema error, not again as "not a flag" wherever code reads it.
    expect(result.otherKeys).toEqual(new Set(['page-size']));
    expect(lint([release({ owner: undefined })]).otherKeys).toEqual(new Set(['checkout.v2']));
  });
});

describe('keyLines', () => {
  it('finds the line of each entry’s key, in order for repeated keys', () => {
    const text =
      '[\n  {\n    "key": "a"\n  },\n  { "key" : "b\\"q" },\n  { "key": "a", "rules": [{ "condition": { "key": { "eq": "x" } } }] }\n]\n';
    expect(keyLines(text)).toEqual(
      new Map([
        ['a', [3, 6]],
        ['b"q', [5]],
      ]),
    );
  });
});
