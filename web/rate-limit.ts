/**
 * A small fixed-window limiter per key (the client's address), for sign-in and for presented
 * tokens: enough to make guessing slow, with no dependency. Memory stays bounded: windows that
 * ended are dropped as new ones start.
 */
export function createRateLimiter(options: { limit: number; windowMs: number; now?: () => number }) {
  const now = options.now ?? Date.now;
  const windows = new Map<string, { start: number; count: number }>();
  return {
    /** Counts one attempt; false when `key` is over the limit in the current window. */
    allow(key: string): boolean {
      const at = now();
      if (windows.size > 10_000) for (const [k, w] of windows) if (at - w.start >= options.windowMs) windows.delete(k);
      const window = windows.get(key);
      if (!window || at - window.start >= options.windowMs) {
        windows.set(key, { start: at, count: 1 });
        return true;
      }
      window.count += 1;
      return window.count <= options.limit;
    },
    /** Whether `key` is over the limit now, without counting an attempt. */
    blocked(key: string): boolean {
      const window = windows.get(key);
      return window !== undefined && now() - window.start < options.windowMs && window.count > options.limit;
    },
    /** Seconds until `key` may try again. */
    retryAfterSeconds(key: string): number {
      const window = windows.get(key);
      return window ? Math.max(1, Math.ceil((window.start + options.windowMs - now()) / 1000)) : 0;
    },
  };
}
export type RateLimiter = ReturnType<typeof createRateLimiter>;
