import type { FeedEntry } from './change-feed.js';
import type { SnapshotReader } from './snapshot-reader.js';

export interface FeedFollowerHandlers {
  /**
   * A full comparison with Redis (read what moved, in full). Runs once the tail is known, before
   * the first read of the feed, and again after any failure: a reader that was away may have
   * missed entries trimmed from the feed or lost with Redis. False (or a throw) means it failed.
   */
  resync(reason: 'start' | 'resume'): Promise<boolean>;
  /** One read's entries, in stream order. A throw counts as a failure (a resync follows). */
  entries(entries: FeedEntry[]): Promise<void>;
  /** Reading the feed failed; the follower resyncs and resumes from its last id after `retryMs`. */
  failed?(error: unknown): void;
}

export interface FeedFollowerOptions {
  /** Entries per read (default 500). */
  count?: number;
  /** How long one read waits for an entry, in ms (default 5 s). */
  blockMs?: number;
  /** Pause after a failure, in ms (default 250). */
  retryMs?: number;
  /**
   * A tail the caller read before its own full load: the follower then starts reading from it
   * without a resync. Without it, the follower reads the tail, then resyncs, then follows.
   */
  from?: string;
}

/**
 * Follows the change feed (docs/design.md#readers-of-the-change-feed) for a holder of snapshots:
 * the tail first, then a full load, then every entry after that tail, in order, with blocking
 * reads. A failure resumes from the last id read, after a full comparison, so entries the feed
 * no longer has cannot slip by. The evaluator's store and the provider's Redis source share it;
 * what to do with each entry is decided by planFeedBatch.
 */
export class FeedFollower {
  private lastId: string | undefined;
  private needsResync: boolean;
  private stopped = true;
  /**
   * Bumped by every start and stop: a loop runs only while it holds the current one, so a start
   * right after a stop (before the old loop's blocking read returned) never leaves two loops
   * reading the feed and moving `lastId`.
   */
  private generation = 0;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly reader: Pick<SnapshotReader, 'feedTail' | 'readFeed'>,
    private readonly handlers: FeedFollowerHandlers,
    private readonly options: FeedFollowerOptions = {},
  ) {
    this.lastId = options.from;
    this.needsResync = options.from === undefined;
  }

  /** The id of the last record read (or the tail it started from); undefined before the tail is known. */
  get position(): string | undefined {
    return this.lastId;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.loop = this.follow(++this.generation);
  }

  /** Stops after the read in flight (close its connection to end a blocking read at once). */
  stop(): Promise<void> {
    this.stopped = true;
    this.generation++;
    return this.loop ?? Promise.resolve();
  }

  private async follow(generation: number): Promise<void> {
    const { reader, handlers } = this;
    const current = () => this.generation === generation;
    let reason: 'start' | 'resume' = 'start';
    while (current()) {
      try {
        if (this.lastId === undefined) {
          const tail = await reader.feedTail();
          if (!current()) return;
          this.lastId ??= tail;
        }
        if (this.needsResync) {
          if (!(await handlers.resync(reason))) throw new Error('the full comparison with Redis failed');
          this.needsResync = false;
        }
        const records = await reader.readFeed(this.lastId, {
          count: this.options.count ?? 500,
          blockMs: this.options.blockMs ?? 5_000,
        });
        if (!current()) return;
        if (records.length === 0) continue;
        this.lastId = records[records.length - 1]!.id;
        await handlers.entries(records.flatMap((record) => (record.entry ? [record.entry] : [])));
      } catch (error) {
        if (!current()) return;
        handlers.failed?.(error);
        this.needsResync = true;
        reason = 'resume';
        await new Promise((resolve) => setTimeout(resolve, this.options.retryMs ?? 250));
      }
    }
  }
}
