import type { SnapshotDelta } from '../core/engine/compile-delta.js';
import type { EnvSnapshot } from '../core/snapshot.js';

/** What a source tells the provider after it has started. */
export interface SnapshotListener {
  /** A snapshot was read; the provider keeps it only when it is newer than the one it holds. */
  snapshot(snapshot: EnvSnapshot): void;
  /**
   * A change-feed delta of the environment served. True when the provider applied it (it held
   * exactly `delta.from` of that epoch); false when the source must hand it a full snapshot.
   */
  delta(delta: SnapshotDelta): boolean;
  /** The source cannot currently confirm it is up to date (connection lost, unreadable file…); the held snapshot keeps serving. */
  stale(error: Error): void;
  /** The source is confirmed up to date again after `stale`. */
  recovered(): void;
}

/**
 * Where the in-process provider gets its snapshot: a file, Redis, or the evaluator over HTTP.
 * `start` resolves with the first snapshot (or rejects saying why there is none) and from then
 * on reports through the listener until `stop`. A stopped source can be started again.
 */
export interface SnapshotSource {
  /** Names the origin in messages, e.g. `file:/etc/switchyard/production.json`. */
  readonly description: string;
  start(listener: SnapshotListener): Promise<EnvSnapshot>;
  stop(): Promise<void>;
}
