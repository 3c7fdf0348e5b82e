/**
 * The change feed's entries (docs/design.md#change-feed): what a publisher appends to the Redis
 * stream `keys.changeFeed` and what evaluators and in-process providers read from it. Stream
 * fields are flat strings; these helpers are the one place that turns them into values and back.
 */

/** About how many entries the stream keeps (XADD … MAXLEN ~): a reader further behind finds a gap and reloads in full. */
export const CHANGE_FEED_MAX_LENGTH = 10_000;

/** A field of an environment's entries hash: `flag:<key>` or `config:<key>`. */
export type EntryField = `flag:${string}` | `config:${string}`;

export const flagField = (key: string): EntryField => `flag:${key}`;
export const configField = (key: string): EntryField => `config:${key}`;

/** Which kind of entry a hash field names, and its key; undefined for a field of neither kind. */
export function parseEntryField(field: string): { kind: 'flag' | 'config'; key: string } | undefined {
  if (field.startsWith('flag:')) return { kind: 'flag', key: field.slice(5) };
  if (field.startsWith('config:')) return { kind: 'config', key: field.slice(7) };
  return undefined;
}

export type FeedEntry =
  /**
   * Environment `env` moved from version `from` to `version` within `epoch` by setting the fields
   * of `set` (entry JSON as stored in the hash) and deleting those of `del`. A reader holding
   * exactly `from` of the same epoch applies it; one holding less (a gap) reloads in full; one
   * holding `version` or more skips it.
   */
  | {
      kind: 'delta';
      env: string;
      epoch: string;
      from: number;
      version: number;
      generatedAt: string;
      set: Record<string, string>;
      del: string[];
    }
  /** The environment's hash was rewritten whole (repair, force, another epoch): readers reload it in full. */
  | { kind: 'full'; env: string; epoch: string; version: number }
  /**
   * The SDK key table changed, in the database of `epoch`: readers reload it. `epoch` is absent
   * only in entries from publishers older than it; such an entry still means "reload".
   */
  | { kind: 'sdk-keys'; epoch?: string };

/** Stream fields of an entry, as XADD takes them (field, value, field, value, …). */
export function encodeFeedEntry(entry: FeedEntry): string[] {
  switch (entry.kind) {
    case 'delta':
      return [
        'kind',
        'delta',
        'env',
        entry.env,
        'epoch',
        entry.epoch,
        'from',
        String(entry.from),
        'version',
        String(entry.version),
        'generatedAt',
        entry.generatedAt,
        'set',
        JSON.stringify(entry.set),
        'del',
        JSON.stringify(entry.del),
      ];
    case 'full':
      return ['kind', 'full', 'env', entry.env, 'epoch', entry.epoch, 'version', String(entry.version)];
    case 'sdk-keys':
      return ['kind', 'sdk-keys', ...(entry.epoch === undefined ? [] : ['epoch', entry.epoch])];
  }
}

/** The entry a stream record holds, or undefined when it is not one this code understands (skipped, never fatal). */
export function decodeFeedEntry(fields: readonly string[]): FeedEntry | undefined {
  const f: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i]!] = fields[i + 1]!;
  try {
    if (f.kind === 'sdk-keys')
      return f.epoch === undefined ? { kind: 'sdk-keys' } : { kind: 'sdk-keys', epoch: f.epoch };
    // An empty epoch is a snapshot written without one (by hand, tests): it competes by version only.
    if (!f.env || f.epoch === undefined || f.version === undefined) return undefined;
    const version = Number(f.version);
    if (!Number.isInteger(version)) return undefined;
    if (f.kind === 'full') return { kind: 'full', env: f.env, epoch: f.epoch, version };
    if (f.kind === 'delta') {
      const from = Number(f.from);
      const set = JSON.parse(f.set ?? '{}') as Record<string, string>;
      const del = JSON.parse(f.del ?? '[]') as string[];
      if (!Number.isInteger(from) || typeof set !== 'object' || !Array.isArray(del)) return undefined;
      return {
        kind: 'delta',
        env: f.env,
        epoch: f.epoch,
        from,
        version,
        generatedAt: f.generatedAt ?? new Date(0).toISOString(),
        set,
        del,
      };
    }
  } catch {
    return undefined;
  }
  return undefined;
}
