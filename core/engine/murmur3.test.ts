import murmurhash from 'murmurhash';
import { describe, expect, it } from 'vitest';
import { BUCKETS, bucketOf, createBucketer } from './murmur3.js';

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

  it('bucketers of different flags, called in turn, each agree with bucketOf (they share one scratch buffer)', () => {
    const flags: Array<[string, string]> = [['a', 'a'], ['checkout.v2', 'salt-with-a-much-longer-prefix'], ['grüße', 'gruss'], ['k', 's'.repeat(600)]];
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
