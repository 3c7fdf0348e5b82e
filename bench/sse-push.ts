import { openBenchStore, productionKey } from './bench-store.js';
import { seedEstate } from './flag-corpus.js';
import type { Scale } from './scale.js';
import { flipSeedFlag } from './seed-flag-flips.js';
import { openSse, type ArrivedEvent } from './sse-client.js';
import { startServerProcess } from './start-server-process.js';
import { percentile } from './stats.js';

/** Longer than the evaluator's 100 ms coalescing window: each change is pushed on its own, not merged with the last. */
const GAP_MS = 250;

export interface SsePushResult {
  flags: number;
  changes: number;
  /** applyChange called → the refetchEvaluation event read by the client. */
  pushed: { p50: number; p99: number; max: number };
  /** applyChange returned → the event read (negative when the event came first). */
  afterApply: { p50: number; p99: number };
  /** The last event's etag is the ETag the next bulk request is answered with. */
  etagMatches: boolean;
}

/** The snapshot version an event names (`id: <epoch>:<version>`); undefined when it names none. */
function versionOf(event: ArrivedEvent): number | undefined {
  const version = Number(event.id?.slice(event.id.lastIndexOf(':') + 1));
  return Number.isInteger(version) ? version : undefined;
}

/**
 * Change → pushed to an SSE client: a bulk request's `eventStreams` URL opened as a browser's
 * EventSource would (no headers), then the seed flag's production kill switch flipped through
 * applyChange; each time is from just before applyChange is called to the `refetchEvaluation`
 * event for that change's version arriving.
 */
export async function runSsePush(scale: Scale, log: (line: string) => void): Promise<SsePushResult> {
  const store = await openBenchStore('sse');
  try {
    await seedEstate(store, scale.sseFlags - 1);
    const key = await productionKey(store);
    const evaluator = await startServerProcess('evaluator', store.evaluatorEnv);
    try {
      const bulk = () =>
        fetch(`${evaluator.url}/ofrep/v1/evaluate/flags`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ context: { targetingKey: 'sse-client' } }),
        });
      const first = await bulk();
      const body = (await first.json()) as { eventStreams?: Array<{ type: string; url?: string }> };
      const url = body.eventStreams?.find((s) => s.type === 'sse')?.url;
      if (!url)
        throw new Error(
          `the bulk answer carries no SSE event stream (eventStreams: ${JSON.stringify(body.eventStreams)})`,
        );
      const client = await openSse(url);
      try {
        // A fresh stream may get a refetch at once (the bulk answer could predate a change); let it pass.
        await new Promise((resolve) => setTimeout(resolve, GAP_MS * 2));
        const flips = await flipSeedFlag(store.deps, {
          count: scale.sseChanges,
          budgetMs: 120_000,
          gapMs: GAP_MS,
          observe: async ({ started, applied }) => {
            const version = applied.snapshots.production;
            const event = await client.next(
              started,
              (e) =>
                e.data.includes('refetchEvaluation') && (version === undefined || (versionOf(e) ?? version) >= version),
              30_000,
            );
            return { sse: event.at };
          },
        });
        const last = client.events.at(-1)!;
        const etag = (JSON.parse(last.data) as { etag?: string }).etag;
        const etagMatches = (await bulk()).headers.get('etag') === etag;
        const pushed = flips.map((f) => f.seen.sse! - f.started);
        const afterApply = flips.map((f) => f.seen.sse! - f.returned);
        const result: SsePushResult = {
          flags: scale.sseFlags,
          changes: flips.length,
          pushed: { p50: percentile(pushed, 50), p99: percentile(pushed, 99), max: Math.max(...pushed) },
          afterApply: { p50: percentile(afterApply, 50), p99: percentile(afterApply, 99) },
          etagMatches,
        };
        log(
          `  ${flips.length} changes, ${scale.sseFlags} flags: change → SSE event p50 ${result.pushed.p50.toFixed(1)} / p99 ${result.pushed.p99.toFixed(1)} ms; last event's etag = next bulk ETag: ${etagMatches}`,
        );
        return result;
      } finally {
        client.close();
      }
    } finally {
      await evaluator.stop();
    }
  } finally {
    await store.close();
  }
}
