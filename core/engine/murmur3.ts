import murmurhash from 'murmurhash';

/** 10,000 buckets: rollout percentages resolve to 0.01 % (docs/design.md#percentage-rollout). */
export const BUCKETS = 10_000;

/**
 * Joins flag key, salt and stickiness value in the hashed string. Flag keys may contain
 * `.`, `_` and `-` but never `:`, so key `a.b` with salt `c` cannot collide with key `a` and salt `b.c`.
 */
export const BUCKET_SEPARATOR = ':';

/**
 * The bucket in [0, 10000) a stickiness value falls into for one flag: 32-bit murmur3 (seed 0)
 * of the UTF-8 bytes of `<flagKey>:<salt>:<value>`, modulo 10,000.
 *
 * @example
 * bucketOf('graph_search.v2.enable', 'graph_search.v2.enable', 'user-42') // → a stable number < 10000
 */
export function bucketOf(flagKey: string, salt: string, stickinessValue: string): number {
  return murmurhash.v3(`${flagKey}${BUCKET_SEPARATOR}${salt}${BUCKET_SEPARATOR}${stickinessValue}`, 0) % BUCKETS;
}

/** Longest stickiness value hashed without allocating; longer or non-ASCII values take the string path. */
const MAX_FAST_VALUE = 256;
/** Longest `<key>:<salt>:` prefix hashed without allocating (flag keys are short; salts usually are). */
const MAX_FAST_PREFIX = 512;

// One scratch buffer for every bucketer: evaluation is synchronous on one thread, so no two
// calls overlap, and a buffer per flag would cost ~1 KB of memory per flag and environment.
const scratch = new Uint8Array(MAX_FAST_PREFIX + MAX_FAST_VALUE);
// murmurhash reads only `.length` and indexes, so one cached view per total length avoids allocation.
const views: Uint8Array[] = [];

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

/**
 * The hot-path form of {@link bucketOf} for one flag: the prefix and the value are written into
 * a shared scratch buffer, because the package's string path builds a TextEncoder and a fresh
 * array on every call. Both paths hash the same bytes, so they agree on every bucket.
 */
export function createBucketer(flagKey: string, salt: string): (stickinessValue: string) => number {
  const prefix = `${flagKey}${BUCKET_SEPARATOR}${salt}${BUCKET_SEPARATOR}`;
  const start = prefix.length;
  if (start > MAX_FAST_PREFIX || !isAscii(prefix)) return (value: string) => murmurhash.v3(prefix + value, 0) % BUCKETS;

  return (value: string): number => {
    const n = value.length;
    if (n > MAX_FAST_VALUE) return murmurhash.v3(prefix + value, 0) % BUCKETS;
    for (let i = 0; i < n; i++) {
      const c = value.charCodeAt(i);
      if (c > 0x7f) return murmurhash.v3(prefix + value, 0) % BUCKETS;
      scratch[start + i] = c;
    }
    // ASCII: one byte per code unit, exactly what UTF-8 encodes.
    for (let i = 0; i < start; i++) scratch[i] = prefix.charCodeAt(i);
    const total = start + n;
    const view = views[total] ?? (views[total] = scratch.subarray(0, total));
    return murmurhash.v3(view, 0) % BUCKETS;
  };
}
