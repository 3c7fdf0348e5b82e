import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { FlagDocument } from '../model/flag.js';
import { validateFlag } from '../model/validate-flag.js';
import type { EnvSnapshot } from '../snapshot.js';
import { compileSnapshot } from './compile.js';
import { seededRandom } from '../../test/seeded-random.js';

const seed: unknown = JSON.parse(readFileSync(new URL('../../test/fixtures/seed-flag.json', import.meta.url), 'utf8'));
const NOW = new Date('2026-03-01T00:00:00Z');
const KEY = 'graph_search.v2.enable';

function compiled(flag: FlagDocument, env: string) {
  const snapshot: EnvSnapshot = {
    env,
    version: 1,
    generatedAt: NOW.toISOString(),
    flags: { [flag.key]: flag },
    configs: {},
  };
  return compileSnapshot(snapshot);
}

function withRustAt(flag: FlagDocument, percent: number): FlagDocument {
  const rules = flag.rules.map((rule) =>
    rule.priority === 3 ? { ...rule, action: { rollout: { rust_engine: percent, legacy: 100 - percent } } } : rule,
  );
  return { ...flag, rules };
}

const random = seededRandom(20260301);
const KEYS = Array.from({ length: 10_000 }, () => random().toString(36).slice(2));

describe('the seed flag graph_search.v2.enable', () => {
  const { flag, warnings } = validateFlag(seed, { mode: 'import', now: NOW });

  it('validates unchanged and is reported stale because its expiry has passed', () => {
    expect(flag.key).toBe(KEY);
    expect(flag.kind).toBe('release');
    expect(warnings.some((w) => /expiry 2025-12-31T00:00:00Z is in the past/.test(w))).toBe(true);
  });

  it('serves the rust engine to internal dogfooders', () => {
    expect(
      compiled(flag, 'production').evaluate(KEY, {
        targetingKey: 'ana',
        env: 'production',
        user: { email: 'ana@companyos.io' },
      }),
    ).toMatchObject({
      ok: true,
      value: true,
      variant: 'rust_engine',
      reason: 'TARGETING_MATCH',
      decidedBy: 'rule:1',
    });
  });

  it('keeps enterprise tenants on the legacy engine', () => {
    expect(
      compiled(flag, 'production').evaluate(KEY, {
        targetingKey: 'bob',
        env: 'production',
        tenant: { tier: 'enterprise' },
      }),
    ).toMatchObject({
      ok: true,
      value: false,
      variant: 'legacy',
      reason: 'TARGETING_MATCH',
      decidedBy: 'rule:2',
    });
  });

  it('rolls out to 25 % ± 1.5 % of production by targeting key, and raising to 50 % keeps everyone already in', () => {
    const at25 = compiled(flag, 'production');
    const inAt25 = KEYS.filter((targetingKey) => {
      const result = at25.evaluate(KEY, { targetingKey, env: 'production' });
      expect(result).toMatchObject({ ok: true, reason: 'SPLIT', decidedBy: 'rule:3' });
      return result.ok && result.value === true;
    });
    expect(Math.abs(inAt25.length / KEYS.length - 0.25)).toBeLessThanOrEqual(0.015);

    const at50 = compiled(withRustAt(flag, 50), 'production');
    const lost = inAt25.filter((targetingKey) => {
      const result = at50.evaluate(KEY, { targetingKey, env: 'production' });
      return !(result.ok && result.value === true);
    });
    expect(lost).toEqual([]);
    const inAt50 = KEYS.filter((targetingKey) => {
      const result = at50.evaluate(KEY, { targetingKey, env: 'production' });
      return result.ok && result.value === true;
    });
    expect(Math.abs(inAt50.length / KEYS.length - 0.5)).toBeLessThanOrEqual(0.015);
  });

  it('is off by default in dev', () => {
    expect(compiled(flag, 'dev').evaluate(KEY, { targetingKey: 'carol', env: 'dev' })).toMatchObject({
      ok: true,
      value: false,
      variant: 'legacy',
      reason: 'DEFAULT',
      decidedBy: 'default',
    });
  });

  it('asks for a targeting key when a production context reaches the split without one', () => {
    expect(compiled(flag, 'production').evaluate(KEY, { env: 'production' })).toMatchObject({
      ok: false,
      errorCode: 'TARGETING_KEY_MISSING',
    });
  });
});
