import type { Redis } from 'ioredis';
import type { Logger } from '../core/logger.js';

/**
 * When each SDK key was last used, kept off the request path: a request only adds its key id to
 * an in-memory set; every `intervalMs` the set is written to Redis in one command (a sorted set
 * id → epoch ms, `ZADD GT` so several evaluators only ever move a time forward). Postgres is
 * never written. "Last used" is therefore accurate to the flush interval, and a flush lost to a
 * Redis outage is retried with the next one.
 */
export class SdkKeyUsage {
  private seenIds = new Set<string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly lastUsedKey: string,
    private readonly log: Logger,
    private readonly intervalMs = 30_000,
  ) {}

  seen(id: string): void {
    this.seenIds.add(id);
  }

  start(): void {
    if (this.intervalMs <= 0 || this.timer) return;
    this.timer = setInterval(() => void this.flush(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Writes the ids seen since the last flush, stamped now. */
  async flush(now: number = Date.now()): Promise<void> {
    if (this.seenIds.size === 0 || this.redis.status !== 'ready') return;
    const ids = [...this.seenIds];
    this.seenIds = new Set();
    try {
      await this.redis.call('ZADD', this.lastUsedKey, 'GT', ...ids.flatMap((id) => [String(now), id]));
    } catch (error) {
      for (const id of ids) this.seenIds.add(id);
      this.log.debug({ err: error }, 'recording sdk key last use failed; retrying with the next flush');
    }
  }
}
