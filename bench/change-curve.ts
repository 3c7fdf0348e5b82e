import { openBenchStore, productionKey } from './bench-store.js';
import { seedEstate } from './flag-corpus.js';
import type { Scale } from './scale.js';
import { flipSeedFlag, servedBy, type Change } from './seed-flag-flips.js';
import { startServerProcess } from './start-server-process.js';
import { percentile } from './stats.js';

export interface CurvePoint {
  flags: number;
  changes: number;
  /** applyChange called → returned. */
  apply: { p50: number; p99: number };
  /** applyChange called → the evaluator serves the new value. */
  served: { p50: number; p99: number; max: number };
  /** applyChange called → SwitchyardProvider (Redis source, in its own process) serves it. */
  provider: { p50: number; p99: number; max: number };
  /** How long seeding and the evaluator's first load took (not a target; says what a size costs). */
  setupSeconds: number;
}

export interface CurveResult {
  points: CurvePoint[];
  budgetMs: number;
  maxChanges: number;
}

/**
 * The change → served curve over the number of flags: for each size a fresh database with the
 * seed flag and generated flags in all three environments, the evaluator and the in-process
 * provider (Redis source) each in its own process, and up to `curveChanges` flips of the seed
 * flag's production kill switch through applyChange, each waited for on both before the next.
 */
export async function runChangeCurve(scale: Scale, log: (line: string) => void): Promise<CurveResult> {
  const points: CurvePoint[] = [];
  for (const flags of scale.curveSizes) {
    const setupStarted = performance.now();
    const store = await openBenchStore('curve');
    try {
      await seedEstate(store, flags - 1);
      const key = await productionKey(store);
      const evaluator = await startServerProcess('evaluator', store.evaluatorEnv);
      const provider = await startServerProcess('provider', store.evaluatorEnv).catch(async (error: unknown) => {
        await evaluator.stop();
        throw error;
      });
      const setupSeconds = (performance.now() - setupStarted) / 1000;
      try {
        const byEvaluator = servedBy(evaluator.url, key);
        const byProvider = servedBy(provider.url, key);
        // Both asked at once, so neither waits for the other to be seen first.
        const observe = async (change: Change) => {
          const [served, inProcess] = await Promise.all([byEvaluator.observe(change), byProvider.observe(change)]);
          return { evaluator: served, provider: inProcess };
        };
        const flips = await flipSeedFlag(store.deps, {
          count: scale.curveChanges,
          budgetMs: scale.curveBudgetMs,
          observe,
        });
        const apply = flips.map((f) => f.returned - f.started);
        const spread = (name: string) => {
          const times = flips.map((f) => f.seen[name]! - f.started);
          return { p50: percentile(times, 50), p99: percentile(times, 99), max: Math.max(...times) };
        };
        const point: CurvePoint = {
          flags,
          changes: flips.length,
          apply: { p50: percentile(apply, 50), p99: percentile(apply, 99) },
          served: spread('evaluator'),
          provider: spread('provider'),
          setupSeconds,
        };
        points.push(point);
        log(
          `  ${flags} flags × 3 environments, ${flips.length} changes: applyChange p50 ${point.apply.p50.toFixed(1)} / p99 ${point.apply.p99.toFixed(1)} ms, change → served p50 ${point.served.p50.toFixed(1)} / p99 ${point.served.p99.toFixed(1)} ms, by the provider p50 ${point.provider.p50.toFixed(1)} / p99 ${point.provider.p99.toFixed(1)} ms (setup ${setupSeconds.toFixed(0)} s)`,
        );
      } finally {
        await Promise.all([evaluator.stop(), provider.stop()]);
      }
    } finally {
      await store.close();
    }
  }
  return { points, budgetMs: scale.curveBudgetMs, maxChanges: scale.curveChanges };
}
