import { deflateRawSync, inflateRawSync } from 'node:zlib';

/** Entries per bucket when packing; a bucket is what one change re-compresses. */
const PER_BUCKET = 64;
/** Deltas that grow the entries past this many per bucket on average trigger a repack into more buckets. */
const REPACK_AT = 4 * PER_BUCKET;
// Speed over ratio: flag documents repeat their field names and values, so even the fastest level shrinks them many times over.
const LEVEL = 1;

/** Some entries' `"key":json` fragments, joined by commas and deflated; `sizes` are the fragments' byte lengths, to split them again. */
interface Bucket {
  readonly keys: readonly string[];
  readonly sizes: readonly number[];
  readonly data: Buffer;
}

function bucketIndex(key: string, mask: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  return (hash >>> 0) & mask;
}

function bucketCount(entries: number): number {
  let count = 1;
  while (count * PER_BUCKET < entries) count *= 2;
  return count;
}

/** Where buckets are assembled before deflating: one buffer reused, since packing a whole environment would otherwise leave its size again in garbage. */
let scratch = Buffer.allocUnsafeSlow(64 * 1024);

/** One entry of a bucket being packed: its JSON text, or its whole `"key":json` fragment already encoded. */
type Part = string | Buffer;

function packBucket(keys: string[], parts: readonly Part[]): Bucket | undefined {
  if (keys.length === 0) return undefined;
  const quoted = keys.map((key, i) => (typeof parts[i] === 'string' ? JSON.stringify(key) : ''));
  const sizes = parts.map((part, i) =>
    typeof part === 'string' ? Buffer.byteLength(quoted[i]!) + 1 + Buffer.byteLength(part) : part.length,
  );
  const total = sizes.reduce((sum, size) => sum + size + 1, -1);
  if (scratch.length < total) scratch = Buffer.allocUnsafeSlow(2 * total);
  let at = 0;
  parts.forEach((part, i) => {
    if (i > 0) scratch[at++] = 0x2c; // ','
    if (typeof part !== 'string') {
      at += part.copy(scratch, at);
      return;
    }
    at += scratch.write(quoted[i]!, at);
    scratch[at++] = 0x3a; // ':'
    at += scratch.write(part, at);
  });
  // Copied out: zlib answers a slice of its 16 KiB output buffer, which would keep all of it alive.
  const deflated = deflateRawSync(scratch.subarray(0, total), { level: LEVEL });
  const data = Buffer.allocUnsafeSlow(deflated.length);
  deflated.copy(data);
  return { keys, sizes, data };
}

/** A bucket's fragments, by key, in order. */
function unpackBucket(bucket: Bucket | undefined): Map<string, Buffer> {
  const fragments = new Map<string, Buffer>();
  if (!bucket) return fragments;
  const text = inflateRawSync(bucket.data);
  let at = 0;
  bucket.keys.forEach((key, i) => {
    const size = bucket.sizes[i]!;
    fragments.set(key, text.subarray(at, at + size));
    at += size + 1;
  });
  return fragments;
}

/**
 * Entries (key → JSON text) held compressed, for the routes that serve entries as they are
 * stored while evaluation runs on their compiled form: parsed, entries cost more than their JSON;
 * packed, a small fraction of it. Immutable: `with` answers a new one sharing
 * every bucket it did not change, so a response being streamed from one never sees a later change.
 */
export class PackedEntries {
  static readonly EMPTY = new PackedEntries([], 0);

  private constructor(
    private readonly buckets: ReadonlyArray<Bucket | undefined>,
    /** How many entries it holds. */
    readonly size: number,
  ) {}

  static of(entries: Iterable<readonly [key: string, json: string]>): PackedEntries {
    const list = [...entries];
    if (list.length === 0) return PackedEntries.EMPTY;
    const count = bucketCount(list.length);
    const keys = Array.from({ length: count }, () => [] as string[]);
    const fragments = Array.from({ length: count }, () => [] as string[]);
    for (const [key, json] of list) {
      const i = bucketIndex(key, count - 1);
      keys[i]!.push(key);
      fragments[i]!.push(json);
    }
    return new PackedEntries(
      keys.map((k, i) => packBucket(k, fragments[i]!)),
      list.length,
    );
  }

  /** These entries with `set` set and `del` deleted; only the buckets they touch are re-compressed. */
  with(set: Iterable<readonly [key: string, json: string]>, del: Iterable<string>): PackedEntries {
    if (this.buckets.length === 0) return PackedEntries.of(set);
    const mask = this.buckets.length - 1;
    const touched = new Map<number, Map<string, Part>>();
    const open = (key: string) => {
      const i = bucketIndex(key, mask);
      let fragments = touched.get(i);
      if (!fragments) touched.set(i, (fragments = unpackBucket(this.buckets[i]) as Map<string, Part>));
      return fragments;
    };
    for (const key of del) open(key).delete(key);
    for (const [key, json] of set) open(key).set(key, json);
    const buckets = this.buckets.slice();
    let size = this.size;
    for (const [i, fragments] of touched) {
      size += fragments.size - (this.buckets[i]?.keys.length ?? 0);
      buckets[i] = packBucket([...fragments.keys()], [...fragments.values()]);
    }
    const next = new PackedEntries(buckets, size);
    return size > buckets.length * REPACK_AT ? PackedEntries.of(next.entries()) : next;
  }

  /** One entry's JSON text. */
  get(key: string): string | undefined {
    if (this.buckets.length === 0) return undefined;
    return unpackBucket(this.buckets[bucketIndex(key, this.buckets.length - 1)])
      .get(key)
      ?.toString('utf8')
      .slice(JSON.stringify(key).length + 1);
  }

  *entries(): Generator<[key: string, json: string]> {
    for (const bucket of this.buckets) {
      for (const [key, fragment] of unpackBucket(bucket))
        yield [key, fragment.toString('utf8').slice(JSON.stringify(key).length + 1)];
    }
  }

  /**
   * The members of a JSON object of every entry, as UTF-8 (`"key":json`, comma-separated within
   * a chunk): joined by commas and wrapped in braces, they are that object. One chunk per bucket,
   * so serving costs a bucket's worth of memory at a time, whatever the number of entries.
   */
  *chunks(): Generator<Buffer> {
    for (const bucket of this.buckets) if (bucket) yield inflateRawSync(bucket.data);
  }
}
