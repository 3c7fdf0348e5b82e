import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.js';
import { validateFlag } from './validate-flag.js';

const NOW = new Date('2026-03-01T00:00:00Z');
const DAY = 86_400_000;
const seed = JSON.parse(readFileSync(new URL('../../test/fixtures/seed-flag.json', import.meta.url), 'utf8')) as Record<
  string,
  unknown
>;

function release(overrides: Record<string, unknown> = {}) {
  return {
    key: 'search.release',
    kind: 'release',
    description: 'New search',
    owner: 'team-search',
    expiry: new Date(NOW.getTime() + 30 * DAY).toISOString(),
    default: 'off',
    variations: [
      { id: 'off', value: false },
      { id: 'on', value: true },
    ],
    ...overrides,
  };
}

function refusal(input: unknown, mode: 'create' | 'import' = 'create'): string {
  try {
    validateFlag(input, { now: NOW, mode });
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as Error).message;
  }
  throw new Error('expected the flag to be refused');
}

describe('flag validation', () => {
  it('accepts a release flag with an expiry within 90 days, without warnings', () => {
    expect(validateFlag(release(), { now: NOW, mode: 'create' }).warnings).toEqual([]);
  });

  it('refuses a release flag without an expiry, naming expiry', () => {
    const { expiry: _omitted, ...withoutExpiry } = release();
    expect(refusal(withoutExpiry)).toMatch(/expiry: a release flag must carry an expiry/);
  });

  it('refuses an expiry 120 days ahead when creating, but only warns when importing', () => {
    const far = release({ expiry: new Date(NOW.getTime() + 120 * DAY).toISOString() });
    expect(refusal(far, 'create')).toMatch(/expiry: .* is more than 90 days ahead/);
    expect(validateFlag(far, { now: NOW, mode: 'import' }).warnings.join()).toMatch(/more than 90 days ahead/);
  });

  it('refuses a rule serving an unknown variation, naming it', () => {
    const message = refusal(
      release({ rules: [{ priority: 1, condition: { plan: { eq: 'pro' } }, action: { serve: 'turbo' } }] }),
    );
    expect(message).toMatch(/rules\[0\]\.action: unknown variation "turbo"/);
  });

  it('refuses a rollout naming an unknown variation', () => {
    const message = refusal(release({ environments: { production: { serve: { rollout: { on: 50, ghost: 50 } } } } }));
    expect(message).toMatch(/environments\.production\.serve: unknown variation "ghost"/);
  });

  it('refuses variations whose values mix types', () => {
    const message = refusal(
      release({
        variations: [
          { id: 'off', value: false },
          { id: 'on', value: 'yes' },
        ],
      }),
    );
    expect(message).toMatch(/variations: values must all be of one type \(found boolean, string\)/);
  });

  it('refuses a regex condition that is not a valid regular expression', () => {
    const message = refusal(
      release({ rules: [{ priority: 1, condition: { 'user.email': { matches: '([a-z' } }, action: { serve: 'on' } }] }),
    );
    expect(message).toMatch(/must be a valid regular expression/);
  });

  it('refuses an offVariation that is not a variation id, naming the variations', () => {
    expect(refusal(release({ offVariation: 'ghost' }))).toMatch(
      /offVariation: unknown variation "ghost" \(variations: off, on\)/,
    );
    expect(refusal(release({ offVariation: 'ghost' }), 'import')).toMatch(/offVariation: unknown variation "ghost"/);
  });

  it('refuses to create a non-boolean flag without an offVariation, and accepts one that declares it', () => {
    const banner = release({
      variations: [
        { id: 'a', value: 1 },
        { id: 'b', value: 2 },
      ],
      default: 'b',
    });
    expect(refusal(banner)).toMatch(
      /offVariation: a number flag must declare the variation a kill serves \(--off <variation>, one of a, b\)/,
    );
    expect(validateFlag({ ...banner, offVariation: 'a' }, { now: NOW, mode: 'create' }).warnings).toEqual([]);
  });

  it('imports a non-boolean flag without an offVariation, warning with its key that a kill serves the default', () => {
    const banner = release({
      variations: [
        { id: 'a', value: 'x' },
        { id: 'b', value: 'y' },
      ],
      default: 'b',
    });
    const { warnings } = validateFlag(banner, { now: NOW, mode: 'import' });
    expect(warnings).toEqual([
      expect.stringMatching(
        /^search\.release: offVariation: a string flag declares no offVariation, so a kill serves its default variation "b"/,
      ),
    ]);
  });

  it('refuses to create a boolean flag whose offVariation is not its false variation', () => {
    expect(refusal(release({ offVariation: 'on' }))).toMatch(
      /offVariation: "on" is not false; a kill of a boolean flag always serves its `false` variation "off"/,
    );
    expect(validateFlag(release({ offVariation: 'off' }), { now: NOW, mode: 'create' }).warnings).toEqual([]);
  });

  it('refuses to create a boolean flag without a false variation', () => {
    expect(refusal(release({ variations: [{ id: 'on', value: true }], default: 'on' }))).toMatch(
      /a boolean flag needs a `false` variation/,
    );
  });

  it('accepts the seed example unchanged on import, flagging it stale', () => {
    const { flag, warnings } = validateFlag(seed, { now: NOW, mode: 'import' });
    expect(flag.rules).toHaveLength(3);
    expect(warnings.join()).toMatch(/stale/);
  });
});
