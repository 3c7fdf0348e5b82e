import type { Redis } from 'ioredis';
import type { Logger } from '../core/logger.js';
import { FeedFollower } from '../storage/feed-follower.js';
import type { RedisKeys, SdkKeyRecord } from '../storage/redis-keys.js';
import { redisSnapshotReader } from '../storage/snapshot-reader.js';
import { HeldSnapshots, type CompileFn, type HeldSnapshot } from './held-snapshots.js';
import { SdkKeyUsage } from './key-usage.js';
import { SnapshotSync } from './snapshot-sync.js';

export type { CompileFn, HeldSnapshot } from './held-snapshots.js';

export interface SnapshotStoreOptions {
  /** Command connection; create it with `enableOfflineQueue: false` and a low `maxRetriesPerRequest`. */
  redis: Redis;
  /**
   * A second connection, used only for the change feed's blocking reads (XREAD BLOCK holds its
   * connection); `maxRetriesPerRequest: null` lets a read wait out a reconnect. Named for the
   * pub/sub connection it replaces, so existing callers keep working.
   */
  subscriber: Redis;
  keys: RedisKeys;
  compile: CompileFn;
  log: Logger;
  /** Environments to load even when no SDK key references them yet. */
  environments?: readonly string[];
  /** Slow safety poll of snapshot versions, in ms (default 5 s, 0 turns it off): a net under the feed. */
  pollIntervalMs?: number;
  /** How long one blocking read of the change feed waits, in ms (default 5 s). */
  feedBlockMs?: number;
  /** How often the ids of SDK keys used since the last time are written to Redis, in ms (default 30 s, 0 turns it off). */
  keyUsageFlushMs?: number;
}

export interface StoreStatus {
  redisConnected: boolean;
  /** True once every known environment has been read from Redis at least once. */
  loaded: boolean;
  /** Epoch ms of the last full comparison with Redis that succeeded. */
  lastSyncAt: number | undefined;
  versions: Record<string, number>;
  /** The epoch (database identity) of each held snapshot; null for one written without. */
  epochs: Record<string, string | null>;
  /** Why it cannot serve yet ([] when it can): nothing published held for a known environment, no key table (see SnapshotSync.waitingFor). */
  waitingFor: string[];
}

/**
 * Holds every environment's compiled snapshot and the SDK key table in memory, so the request
 * path never talks to Redis. It follows the change feed (docs/design.md#readers-of-the-change-feed):
 * the feed's tail, then everything in full, then each entry after that tail; and it compares
 * versions in full after every (re)connect and on a slow poll, because a reader that was away
 * may find the feed trimmed or Redis emptied. This class wires the triggers (the feed follower,
 * connection events, the poll) to the sync; what is held lives in HeldSnapshots.
 */
export class SnapshotStore {
  private readonly held: HeldSnapshots;
  private readonly sync: SnapshotSync;
  private readonly usage: SdkKeyUsage;
  private readonly follower: FeedFollower;
  private wasConnected = false;
  private timer: NodeJS.Timeout | undefined;
  private resolveLoaded!: () => void;
  private readonly loadedOnce = new Promise<void>((resolve) => (this.resolveLoaded = resolve));
  private readonly detach: Array<() => void> = [];
  private started = false;

  constructor(private readonly options: SnapshotStoreOptions) {
    this.held = new HeldSnapshots(options.compile, options.log);
    const reader = redisSnapshotReader(options.redis, options.keys, { blocking: options.subscriber });
    this.sync = new SnapshotSync({
      reader,
      held: this.held,
      log: options.log,
      ...(options.environments ? { environments: options.environments } : {}),
      synced: (reason, first) => this.noteSynced(reason, first),
    });
    this.follower = new FeedFollower(
      reader,
      {
        resync: async (reason) => {
          const ok = await this.sync.run(reason, true);
          // Loaded only once the feed's tail is known: whatever is published from now on is read.
          if (ok) this.resolveLoaded();
          return ok;
        },
        entries: (entries) => this.sync.applyFeed(entries),
        failed: (error) =>
          options.log.debug({ err: error }, 'reading the change feed failed; resuming after a full comparison'),
      },
      { blockMs: options.feedBlockMs ?? 5_000 },
    );
    this.usage = new SdkKeyUsage(
      options.redis,
      options.keys.sdkKeyLastUsed,
      options.log,
      options.keyUsageFlushMs ?? 30_000,
    );
  }

  /** Resolves once every known environment has been loaded; keeps retrying through Redis outages. */
  start(): Promise<void> {
    if (this.started) return this.loadedOnce;
    this.started = true;
    const { redis, subscriber, log } = this.options;
    // After a reconnect the feed may have been trimmed or Redis emptied: compare in full, too.
    this.listen(redis, 'ready', () => void this.sync.run('connected', true));
    this.listen(redis, 'close', () => this.noteDisconnect());
    this.listen(redis, 'error', (error: Error) => log.debug({ err: error }, 'redis command connection error'));
    this.listen(subscriber, 'ready', () => void this.sync.run('feed connected', true));
    this.listen(subscriber, 'close', () => this.noteDisconnect());
    this.listen(subscriber, 'error', (error: Error) => log.debug({ err: error }, 'redis feed connection error'));
    this.follower.start();
    this.usage.start();
    const poll = this.options.pollIntervalMs ?? 5_000;
    if (poll > 0) {
      this.timer = setInterval(() => {
        if (redis.status === 'ready') void this.sync.run('poll', false);
      }, poll);
      this.timer.unref();
    }
    return this.loadedOnce;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.usage.stop();
    void this.follower.stop();
    for (const undo of this.detach.splice(0)) undo();
  }

  get(env: string): HeldSnapshot | undefined {
    return this.held.get(env);
  }

  /** A live key's record (unknown, revoked and expired keys are undefined); notes the key as used. */
  findSdkKey(clearKey: string): SdkKeyRecord | undefined {
    const record = this.sync.findSdkKey(clearKey);
    if (record) this.usage.seen(record.id);
    return record;
  }

  /** A live key's record by its id (event-stream tokens name the key by id); does not note it as used. */
  findSdkKeyById(id: string): SdkKeyRecord | undefined {
    return this.sync.findSdkKeyById(id);
  }

  /** Every origin some held key allows (CORS preflights, which carry no key, are answered for them); follows the table as it reloads. */
  sdkKeyOrigins(): ReadonlySet<string> {
    return this.sync.sdkKeyOrigins();
  }

  /** Calls `listener` each time an environment's held snapshot is swapped for another; returns the unsubscribe. */
  onSnapshotChange(listener: (held: HeldSnapshot) => void): () => void {
    return this.held.onSwap(listener);
  }

  /** Writes the SDK keys used since the last flush to Redis now (tests; shutdown). */
  flushKeyUsage(): Promise<void> {
    return this.usage.flush();
  }

  get redisConnected(): boolean {
    return this.options.redis.status === 'ready' && this.options.subscriber.status === 'ready';
  }

  status(): StoreStatus {
    return {
      redisConnected: this.redisConnected,
      loaded: this.sync.loaded,
      lastSyncAt: this.sync.lastSyncAt,
      versions: this.held.versions(),
      epochs: this.held.epochs(),
      waitingFor: this.sync.waitingFor(),
    };
  }

  /** Runs a full comparison with Redis now (the same one a reconnect triggers); true when it succeeded. */
  refresh(): Promise<boolean> {
    return this.sync.run('manual', true);
  }

  private listen(emitter: Redis, event: string, handler: (...args: never[]) => void): void {
    const fn = handler as (...args: unknown[]) => void;
    emitter.on(event, fn);
    this.detach.push(() => emitter.off(event, fn));
  }

  private noteSynced(reason: string, first: boolean): void {
    if (!this.wasConnected && this.redisConnected) {
      if (!first)
        this.options.log.info({ reason, versions: this.held.versions() }, 'redis reachable again; snapshots caught up');
      this.wasConnected = true;
    }
  }

  private noteDisconnect(): void {
    if (!this.wasConnected || this.redisConnected) return;
    this.wasConnected = false;
    this.options.log.warn(
      { versions: this.held.versions() },
      'redis unreachable: serving the last known good snapshots',
    );
  }
}
