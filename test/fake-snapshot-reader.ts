import type { EnvSnapshot } from '../core/snapshot.js';
import type { FeedEntry } from '../storage/change-feed.js';
import type { FeedRecord, SnapshotRead, SnapshotReader, SnapshotStamp } from '../storage/snapshot-reader.js';

/**
 * An in-memory SnapshotReader for unit tests of the snapshot holders: what Redis would hold,
 * set directly, and a switch that makes every read fail the way an unreachable Redis does.
 */
export class FakeSnapshotReader implements SnapshotReader {
  readonly stored = new Map<string, EnvSnapshot | { unreadable: string; version: number }>();
  sdkKeyHash: Record<string, string> = {};
  /** The mark a full key sync leaves; undefined: the table is missing or incomplete. */
  sdkKeyEpoch: string | undefined;
  unreachable = false;
  /** How many snapshot reads were made, per environment. */
  readonly reads = new Map<string, number>();
  /** The change feed, oldest first; ids are `<n>-0`. */
  readonly feed: FeedRecord[] = [];
  private nextId = 1;
  private readonly waiting = new Set<() => void>();

  /** Appends to the feed (what a publisher's XADD does), wakes blocked reads, and returns the record's id. */
  append(entry: FeedEntry): string {
    const id = `${this.nextId++}-0`;
    this.feed.push({ id, entry });
    for (const wake of this.waiting) wake();
    return id;
  }

  put(snapshot: EnvSnapshot): this {
    this.stored.set(snapshot.env, snapshot);
    return this;
  }

  private check(): void {
    if (this.unreachable) throw new Error('Connection is closed.');
  }

  async stamps(envs: readonly string[]): Promise<Array<SnapshotStamp | undefined>> {
    this.check();
    return envs.map((env) => {
      const stored = this.stored.get(env);
      if (!stored) return undefined;
      return { version: stored.version, epoch: 'epoch' in stored ? stored.epoch : undefined };
    });
  }

  async snapshot(env: string): Promise<SnapshotRead> {
    this.check();
    this.reads.set(env, (this.reads.get(env) ?? 0) + 1);
    const stored = this.stored.get(env);
    if (!stored) return { found: 'nothing' };
    if ('unreadable' in stored) return { found: 'unreadable', problem: stored.unreadable };
    return { found: 'snapshot', snapshot: structuredClone(stored) };
  }

  async environments(): Promise<string[]> {
    this.check();
    return [...this.stored.keys()];
  }

  async sdkKeys(): Promise<Record<string, string>> {
    this.check();
    return { ...this.sdkKeyHash };
  }

  async sdkKeysEpoch(): Promise<string | undefined> {
    this.check();
    return this.sdkKeyEpoch;
  }

  async feedTail(): Promise<string> {
    this.check();
    return this.feed.at(-1)?.id ?? '0-0';
  }

  /** Blocks like XREAD BLOCK: until an append, or `blockMs`. */
  async readFeed(afterId: string, options: { count: number; blockMs?: number }): Promise<FeedRecord[]> {
    this.check();
    const after = Number(afterId.split('-')[0]);
    const found = () => this.feed.filter((record) => Number(record.id.split('-')[0]) > after).slice(0, options.count);
    if (found().length || !options.blockMs) return found();
    await new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.waiting.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, options.blockMs);
      this.waiting.add(wake);
    });
    this.check();
    return found();
  }
}
