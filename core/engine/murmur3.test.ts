import fc from 'fast-check';
import murmurhash from 'murmurhash';
import { describe, expect, it } from 'vitest';
import { BUCKETS, bucketOf, createBucketer } from './murmur3.js';

/** Seeded: a failure prints its seed and path; replay with FC_SEED=<seed>. */
const SEED = Number(process.env.FC_SEED ?? 20_261_202);
const RUNS = Number(process.env.FC_RUNS ?? 500);

describe('bucketing', () => {
  it('hashes with 32-bit murmur3 as published (reference vectors, seed 0)', () => {
    // Reference values of MurmurHash3_x86_32 from the algorithm's published test vectors.
    expect(murmurhash.v3('', 0)).toBe(0);
    expect(murmurhash.v3('hello', 0)).toBe(0x248bfa47);
    expect(murmurhash.v3('The quick brown fox jumps over the lazy dog', 0)).toBe(0x2e4ff723);
  });

  it('puts a stickiness value in the same bucket every time, within 0..9999', () => {
    const first = bucketOf('checkout.v2', 'checkout.v2', 'user-42');
    expect(first).toBeGreaterThanOrEqual(0);
    expect(first).toBeLessThan(BUCKETS);
    expect(bucketOf('checkout.v2', 'checkout.v2', 'user-42')).toBe(first);
    expect(first).toBe(murmurhash.v3('checkout.v2:checkout.v2:user-42', 0) % BUCKETS);
  });

  it('the fast bucketer agrees with bucketOf for ASCII, non-ASCII and very long values', () => {
    const fast = createBucketer('graph_search.v2.enable', 'salt-1');
    const values = ['', 'a', 'user-1', 'émile@exemple.fr', '用户', 'x'.repeat(255), 'y'.repeat(256), 'z'.repeat(1000)];
    for (let i = 0; i < 2000; i++) values.push(`key-${i}-${(i * 7919) % 10007}`);
    for (const value of values) expect(fast(value)).toBe(bucketOf('graph_search.v2.enable', 'salt-1', value));
  });

  it('the fast bucketer agrees with bucketOf for any key, salt and value (every prefix length, any Unicode)', () => {
    const ascii = fc.string({
      unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
      maxLength: 13,
    });
    // Latin-1 is one UTF-16 unit but two UTF-8 bytes: the case a byte-per-unit shortcut gets wrong.
    const latin1 = fc.string({
      unit: fc.integer({ min: 0x80, max: 0xff }).map((c) => String.fromCharCode(c)),
      minLength: 1,
      maxLength: 2,
    });
    const anyText = fc.oneof(
      latin1,
      fc.string({ unit: 'binary', maxLength: 13 }),
      fc.string({ unit: 'grapheme', maxLength: 9 }),
    );
    const value = fc.oneof(
      ascii,
      anyText,
      fc.tuple(ascii, anyText, ascii).map((parts) => parts.join('')),
    );
    fc.assert(
      fc.property(fc.oneof(ascii, anyText), ascii, value, (key, salt, stickiness) => {
        expect(createBucketer(key, salt)(stickiness)).toBe(bucketOf(key, salt, stickiness));
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('bucketers of different flags, called in turn, each agree with bucketOf', () => {
    const flags: Array<[string, string]> = [
      ['a', 'a'],
      ['checkout.v2', 'salt-with-a-much-longer-prefix'],
      ['grüße', 'gruss'],
      ['k', 's'.repeat(600)],
    ];
    const bucketers = flags.map(([key, salt]) => createBucketer(key, salt));
    for (let i = 0; i < 500; i++) {
      const value = `user-${i}`;
      flags.forEach(([key, salt], n) => expect(bucketers[n]!(value)).toBe(bucketOf(key, salt, value)));
    }
  });

  it('a different salt reshuffles the buckets', () => {
    let moved = 0;
    for (let i = 0; i < 1000; i++) if (bucketOf('f', 'a', `u${i}`) !== bucketOf('f', 'b', `u${i}`)) moved++;
    expect(moved).toBeGreaterThan(990);
  });
});
