import { sameEpoch, type SnapshotDelta } from '../core/engine/compile-delta.js';
import type { FeedEntry } from './change-feed.js';
import { deletedKeys, parseEntries } from './parse-entries.js';

/** What a holder holds of one environment: its version within an epoch. */
export interface HeldMark {
  version: number;
  epoch?: string | undefined;
}

/**
 * What a holder does with one delta of the feed (docs/design.md#readers-of-the-change-feed):
 * apply it when it holds exactly `from` of the same epoch, skip it when it holds `version` or
 * more of that epoch, and otherwise (nothing held, another epoch, or `from` ahead of what it holds:
 * a trimmed feed or a missed publication) reload the environment in full.
 */
export function feedDecision(
  held: HeldMark | undefined,
  entry: { epoch: string; from: number; version: number },
): 'apply' | 'skip' | 'reload' {
  if (!held || !sameEpoch(held.epoch, entry.epoch)) return 'reload';
  if (entry.version <= held.version) return 'skip';
  return entry.from === held.version ? 'apply' : 'reload';
}

/** Whether a `full` entry is worth a reload: nothing held, another epoch, or a newer version. */
export function wantsFull(held: HeldMark | undefined, entry: { epoch: string; version: number }): boolean {
  return !held || !sameEpoch(held.epoch, entry.epoch) || entry.version > held.version;
}

/** A delta's `set`/`del` parsed into entries (as a snapshot's hash is); a string naming the field when one is not JSON. */
export function parseDelta(entry: Extract<FeedEntry, { kind: 'delta' }>): SnapshotDelta | string {
  const set = parseEntries(entry.set, `feed entry for ${entry.env} version ${entry.version}`);
  if (typeof set === 'string') return set;
  const del = deletedKeys(entry.del);
  return {
    env: entry.env,
    epoch: entry.epoch,
    from: entry.from,
    version: entry.version,
    generatedAt: entry.generatedAt,
    flags: { set: set.flags, del: del.flags },
    configs: { set: set.configs, del: del.configs },
  };
}

function mergeInto<T>(
  into: { set: Record<string, T>; del: readonly string[] },
  next: { set: Record<string, T>; del: readonly string[] },
): { set: Record<string, T>; del: string[] } {
  const del = new Set(into.del);
  for (const key of next.del) {
    delete into.set[key];
    del.add(key);
  }
  for (const [key, value] of Object.entries(next.set)) {
    del.delete(key);
    into.set[key] = value;
  }
  return { set: into.set, del: [...del] };
}

/** Two consecutive deltas of one environment as one (`next.from` is `first.version`); `first` is reused, so it must be freshly parsed. */
export function mergeDeltas(first: SnapshotDelta, next: SnapshotDelta): SnapshotDelta {
  return {
    ...next,
    from: first.from,
    flags: mergeInto(first.flags, next.flags),
    configs: mergeInto(first.configs, next.configs),
  };
}

export interface FeedPlan {
  /** At most one per environment: every applicable delta of the batch folded together, so holders swap once per batch. */
  deltas: SnapshotDelta[];
  /** Environments to read in full (a gap, another epoch, a `full` entry, an unreadable delta). */
  reload: string[];
  /** Whether the SDK key table changed. */
  sdkKeys: boolean;
  /** Every environment the batch names. */
  environments: string[];
  /** Deltas that could not be parsed (their environment is reloaded). */
  problems: string[];
}

/**
 * What one batch of feed entries asks of a holder whose marks `heldOf` gives, decided in one
 * place for the evaluator and the in-process provider. Entries are taken in stream order; an
 * environment sent to a full reload ignores its later entries (the reload reads the newest).
 */
export function planFeedBatch(entries: readonly FeedEntry[], heldOf: (env: string) => HeldMark | undefined): FeedPlan {
  const pending = new Map<string, SnapshotDelta>();
  const reload = new Set<string>();
  const environments = new Set<string>();
  const problems: string[] = [];
  let sdkKeys = false;
  for (const entry of entries) {
    if (entry.kind === 'sdk-keys') {
      sdkKeys = true;
      continue;
    }
    const env = entry.env;
    environments.add(env);
    if (reload.has(env)) continue;
    const folded = pending.get(env);
    const mark = folded ? { version: folded.version, epoch: folded.epoch } : heldOf(env);
    if (entry.kind === 'full') {
      if (wantsFull(mark, entry)) reload.add(env);
      continue;
    }
    const decision = feedDecision(mark, entry);
    if (decision === 'skip') continue;
    const parsed = decision === 'apply' ? parseDelta(entry) : undefined;
    if (typeof parsed === 'string') problems.push(parsed);
    if (parsed === undefined || typeof parsed === 'string') {
      reload.add(env);
      continue;
    }
    pending.set(env, folded ? mergeDeltas(folded, parsed) : parsed);
  }
  for (const env of reload) pending.delete(env);
  return { deltas: [...pending.values()], reload: [...reload], sdkKeys, environments: [...environments], problems };
}
