import { compileDelta, sameEpoch, type SnapshotDelta } from '../core/engine/compile-delta.js';
import type { CompiledSnapshot } from '../core/engine/types.js';
import type { Logger } from '../core/logger.js';
import type { EnvSnapshot } from '../core/snapshot.js';
import type { HeldMark } from '../storage/feed-batch.js';
import type { ByKind } from '../storage/parse-entries.js';
import {
  changedEntries,
  heldEntriesOf,
  unpackedSnapshot,
  type HeldEntries,
  type SnapshotHeader,
} from './held-entries.js';

export type CompileFn = (snapshot: EnvSnapshot) => CompiledSnapshot;
export type { HeldEntries, SnapshotHeader } from './held-entries.js';

/**
 * One environment's snapshot as served: compiled for the evaluation routes, and its entries as
 * stored for the routes that serve them (`/v1/snapshot`, `/v1/secrets`), so no route reads Redis.
 * The entries are not kept parsed: only the compiled form evaluates, and parsed they would add
 * about two thirds again to what the compiled flags take.
 */
export interface HeldSnapshot extends HeldEntries {
  compiled: CompiledSnapshot;
  /** Which snapshot it is (its entries are the other fields). */
  snapshot: SnapshotHeader;
  generatedAt: string;
  /** True for the empty stand-in held where nothing is published (yet): serves no flags, and does not count as loaded. */
  placeholder: boolean;
}

/**
 * The compiled snapshot of every environment the evaluator serves; swapped in one step, never
 * stepped back within one epoch. A snapshot of another epoch (another database) replaces it
 * whatever its version: that is a full reload, not a step back. A delta of the change feed
 * advances the held one in place, recompiling only what it changed.
 */
export class HeldSnapshots {
  private readonly byEnv = new Map<string, HeldSnapshot>();
  private readonly swapListeners = new Set<(held: HeldSnapshot) => void>();

  constructor(
    private readonly compile: CompileFn,
    private readonly log: Logger,
  ) {}

  get(env: string): HeldSnapshot | undefined {
    return this.byEnv.get(env);
  }

  /** Calls `listener` after every swap (event streams push it to clients); returns the unsubscribe. */
  onSwap(listener: (held: HeldSnapshot) => void): () => void {
    this.swapListeners.add(listener);
    return () => this.swapListeners.delete(listener);
  }

  has(env: string): boolean {
    return this.byEnv.has(env);
  }

  /** The version held for `env`, -1 when none is. */
  versionOf(env: string): number {
    return this.byEnv.get(env)?.compiled.version ?? -1;
  }

  /** The epoch of the snapshot held for `env` (undefined when none is, or it has none). */
  epochOf(env: string): string | undefined {
    return this.byEnv.get(env)?.snapshot.epoch;
  }

  /** What is held of `env` for the feed's decisions; undefined when nothing published is (a delta then reloads it). */
  markOf(env: string): HeldMark | undefined {
    const held = this.byEnv.get(env);
    return held && !held.placeholder ? { version: held.compiled.version, epoch: held.snapshot.epoch } : undefined;
  }

  /** Whether `stamp` is worth reading: another epoch than the held one, or a newer version of it. */
  wants(env: string, stamp: { version: number; epoch?: string | undefined }): boolean {
    const held = this.byEnv.get(env);
    if (!held) return true;
    if (held.placeholder) return stamp.version > held.compiled.version || stamp.epoch !== undefined;
    return stamp.epoch !== held.snapshot.epoch || stamp.version > held.compiled.version;
  }

  /** Whether `env` holds a snapshot that was published (not the empty stand-in). */
  published(env: string): boolean {
    const held = this.byEnv.get(env);
    return held !== undefined && !held.placeholder;
  }

  epochs(): Record<string, string | null> {
    const epochs: Record<string, string | null> = {};
    for (const [env, held] of this.byEnv) epochs[env] = held.snapshot.epoch ?? null;
    return epochs;
  }

  /** Holds the empty stand-in for an environment with nothing published, unless it holds something already. */
  holdPlaceholder(snapshot: EnvSnapshot): void {
    if (this.byEnv.has(snapshot.env)) return;
    this.hold(snapshot, { placeholder: true });
  }

  versions(): Record<string, number> {
    const versions: Record<string, number> = {};
    for (const [env, held] of this.byEnv) versions[env] = held.compiled.version;
    return versions;
  }

  /**
   * Compiles and swaps in one step; an older or equal version of the same epoch never replaces
   * the held one, and a snapshot that does not compile leaves the held one serving. `json` is
   * the entries' text as read, kept as is (without it the parsed entries are serialised).
   */
  hold(
    snapshot: EnvSnapshot,
    options: { placeholder?: boolean; json?: ByKind<string, string> | undefined } = {},
  ): void {
    if (!this.wants(snapshot.env, snapshot)) return;
    let compiled: CompiledSnapshot;
    try {
      compiled = this.compile(snapshot);
    } catch (error) {
      this.log.error(
        { err: error, env: snapshot.env, version: snapshot.version },
        'snapshot does not compile; keeping the held one',
      );
      return;
    }
    // Re-checked after compiling: a concurrent load may have swapped a newer one in meanwhile.
    if (!this.wants(snapshot.env, snapshot)) return;
    const previous = this.byEnv.get(snapshot.env);
    const { flags: _flags, configs: _configs, ...header } = snapshot;
    const entries = heldEntriesOf(snapshot, options.json);
    this.swap({
      compiled,
      snapshot: header,
      ...entries,
      generatedAt: snapshot.generatedAt,
      placeholder: options.placeholder ?? false,
    });
    if (previous && !previous.placeholder && previous.snapshot.epoch !== snapshot.epoch) {
      this.log.warn(
        { env: snapshot.env, version: snapshot.version, epoch: snapshot.epoch, previousEpoch: previous.snapshot.epoch },
        'snapshot of another database epoch loaded in full',
      );
    } else if (!options.placeholder) {
      this.log.info({ env: snapshot.env, version: snapshot.version }, 'snapshot loaded');
    }
  }

  /**
   * Advances the held snapshot by a delta (docs/design.md#readers-of-the-change-feed): only when
   * it holds exactly `delta.from` of the same epoch. False when it does not (or the result does
   * not compile): the caller reloads the environment in full.
   */
  applyDelta(delta: SnapshotDelta): boolean {
    const current = this.byEnv.get(delta.env);
    if (
      !current ||
      current.placeholder ||
      !sameEpoch(current.snapshot.epoch, delta.epoch) ||
      current.compiled.version !== delta.from
    )
      return false;
    const snapshot: SnapshotHeader = { env: delta.env, version: delta.version, generatedAt: delta.generatedAt };
    if (delta.epoch) snapshot.epoch = delta.epoch;
    const entries = changedEntries(current, delta);
    let compiled: CompiledSnapshot;
    try {
      // Compiles only what changed, editing the held tables in place; a compiled snapshot that cannot be extended is compiled again whole.
      compiled =
        compileDelta(current.compiled, delta.version, delta) ?? this.compile(unpackedSnapshot(snapshot, entries));
    } catch (error) {
      this.log.error(
        { err: error, env: delta.env, version: delta.version },
        'snapshot delta does not compile; keeping the held one',
      );
      return false;
    }
    this.swap({ compiled, snapshot, ...entries, generatedAt: delta.generatedAt, placeholder: false });
    this.log.debug(
      { env: delta.env, version: delta.version, flags: Object.keys(delta.flags.set).length + delta.flags.del.length },
      'snapshot delta applied',
    );
    return true;
  }

  private swap(next: HeldSnapshot): void {
    this.byEnv.set(next.snapshot.env, next);
    for (const listener of this.swapListeners) {
      try {
        listener(next);
      } catch (error) {
        this.log.error({ err: error, env: next.snapshot.env }, 'a snapshot swap listener failed');
      }
    }
  }
}
