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

// MurmurHash3_x86_32's constants. Math.imul keeps the low 32 bits of a product exactly, which is
// all the algorithm uses, so these steps give the package's hash bit for bit.
const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

function scrambled(k: number): number {
  k = Math.imul(k, C1);
  k = (k << 15) | (k >>> 17);
  return Math.imul(k, C2);
}

function absorbed(h: number, block: number): number {
  h ^= scrambled(block);
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function finished(h: number, pending: number, pendingBytes: number, length: number): number {
  if (pendingBytes > 0) h ^= scrambled(pending);
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

/**
 * The hot-path form of {@link bucketOf} for one flag. Murmur3 consumes its input in 4-byte
 * blocks from the left, so the state after the prefix's whole blocks is the same for every
 * stickiness value: it is computed once here, and a call hashes only the value (plus the
 * prefix's last 0–3 bytes), read straight from the string with no byte buffer built. For ASCII
 * one byte per code unit is exactly UTF-8; anything else takes the package's string path.
 */
export function createBucketer(flagKey: string, salt: string): (stickinessValue: string) => number {
  const prefix = `${flagKey}${BUCKET_SEPARATOR}${salt}${BUCKET_SEPARATOR}`;
  if (!isAscii(prefix)) return (value: string) => murmurhash.v3(prefix + value, 0) % BUCKETS;
  const whole = prefix.length & ~3;
  let state = 0;
  for (let i = 0; i < whole; i += 4) {
    state = absorbed(
      state,
      prefix.charCodeAt(i) |
        (prefix.charCodeAt(i + 1) << 8) |
        (prefix.charCodeAt(i + 2) << 16) |
        (prefix.charCodeAt(i + 3) << 24),
    );
  }
  let carry = 0;
  for (let i = whole; i < prefix.length; i++) carry |= prefix.charCodeAt(i) << ((i - whole) << 3);
  return resumedBucketer(prefix, state, carry, prefix.length - whole);
}

/** Apart from createBucketer so each flag's closure holds the prefix and three numbers, nothing more. */
function resumedBucketer(
  prefix: string,
  state: number,
  carry: number,
  carried: number,
): (stickinessValue: string) => number {
  return (value: string): number => {
    const n = value.length;
    // Value characters that complete the block the prefix's last bytes started.
    const filling = (4 - carried) & 3;
    let h = state;
    let i = 0;
    let pending = carry;
    let pendingBytes = carried;
    if (n >= filling) {
      if (filling > 0) {
        let codes = 0;
        for (; i < filling; i++) {
          const c = value.charCodeAt(i);
          codes |= c;
          pending |= c << ((carried + i) << 3);
        }
        if (codes > 0x7f) return murmurhash.v3(prefix + value, 0) % BUCKETS;
        h = absorbed(h, pending);
        pending = 0;
        pendingBytes = 0;
      }
      for (; i + 4 <= n; i += 4) {
        const c0 = value.charCodeAt(i);
        const c1 = value.charCodeAt(i + 1);
        const c2 = value.charCodeAt(i + 2);
        const c3 = value.charCodeAt(i + 3);
        if ((c0 | c1 | c2 | c3) > 0x7f) return murmurhash.v3(prefix + value, 0) % BUCKETS;
        h = absorbed(h, c0 | (c1 << 8) | (c2 << 16) | (c3 << 24));
      }
    }
    // The last 0–3 bytes: the value's tail, or (a value too short to fill a block) prefix and value together.
    for (; i < n; i++) {
      const c = value.charCodeAt(i);
      if (c > 0x7f) return murmurhash.v3(prefix + value, 0) % BUCKETS;
      pending |= c << (pendingBytes << 3);
      pendingBytes++;
    }
    return finished(h, pending, pendingBytes, prefix.length + n) % BUCKETS;
  };
}
