import { Counter, Gauge, Histogram, Registry, type Counter as CounterType } from 'prom-client';
import type { SnapshotStore } from './snapshot-store.js';

/** Evaluations of keys absent from the snapshot share one label value: clients pick those keys, and each distinct label is a new time series. */
export const UNKNOWN_FLAG_LABEL = '__unknown__';

export type Route = 'flag' | 'bulk' | 'config';

/**
 * The evaluator's Prometheus metrics (docs/design.md#evaluator: evaluations per flag, variation and environment;
 * latency), in a registry of their own so several servers can live in one process (tests).
 */
export function createEvaluatorMetrics(store: Pick<SnapshotStore, 'status'>, registry = new Registry()) {
  // prom-client hashes the label set on every inc(), even of a child: a bulk answer would pay
  // that 1,000 times. Evaluations are tallied in plain numbers instead and added to the counter
  // when it is read (collect runs on every scrape, before the values are taken).
  const tallies = new Map<string, EvaluationTally>();
  const dirty: EvaluationTally[] = [];
  const evaluations = new Counter({
    name: 'switchyard_evaluations_total',
    help: 'Flag evaluations served, by flag, variant, environment and reason',
    labelNames: ['flag', 'variant', 'environment', 'reason'] as const,
    registers: [registry],
    collect() {
      for (const tally of dirty.splice(0)) {
        tally.child.inc(tally.pending);
        tally.pending = 0;
      }
    },
  });
  const duration = new Histogram({
    name: 'switchyard_evaluation_duration_seconds',
    help: 'Time from request received to response sent, by route',
    labelNames: ['route'] as const,
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05],
    registers: [registry],
  });
  new Gauge({
    name: 'switchyard_redis_connected',
    help: '1 while both Redis connections are up; 0 while serving the last known good snapshots',
    registers: [registry],
    collect() {
      this.set(store.status().redisConnected ? 1 : 0);
    },
  });
  new Gauge({
    name: 'switchyard_evaluator_snapshot_loaded',
    help: '1 once the evaluator holds a published snapshot of every environment it knows and a key table (it is ready); 0 while it holds nothing to serve',
    registers: [registry],
    collect() {
      this.set(store.status().waitingFor.length === 0 ? 1 : 0);
    },
  });
  new Gauge({
    name: 'switchyard_snapshot_version',
    help: 'Version of the snapshot served, per environment',
    labelNames: ['environment'] as const,
    registers: [registry],
    collect() {
      for (const [environment, version] of Object.entries(store.status().versions)) this.set({ environment }, version);
    },
  });
  new Gauge({
    name: 'switchyard_snapshot_age_seconds',
    help: 'Seconds since the held snapshots were last confirmed current against Redis (grows during an outage)',
    registers: [registry],
    collect() {
      const { lastSyncAt } = store.status();
      if (lastSyncAt !== undefined) this.set((Date.now() - lastSyncAt) / 1000);
    },
  });

  const routeTimers = {
    flag: duration.labels('flag'),
    bulk: duration.labels('bulk'),
    config: duration.labels('config'),
  };

  const evaluationCounter = (environment: string, flag: string, variant: string, reason: string): EvaluationCount => {
    const id = `${environment}\u0000${flag}\u0000${variant}\u0000${reason}`;
    let tally = tallies.get(id);
    if (!tally) {
      const child = evaluations.labels(flag, variant, environment, reason);
      const created: EvaluationTally = {
        child,
        pending: 0,
        inc() {
          if (created.pending++ === 0) dirty.push(created);
        },
      };
      tally = created;
      tallies.set(id, tally);
    }
    return tally;
  };

  return {
    registry,
    /** The count of one label set, for a caller that counts the same one many times (bulk answers keep it per result). */
    evaluationCounter,
    countEvaluation(environment: string, flag: string, variant: string, reason: string): void {
      evaluationCounter(environment, flag, variant, reason).inc();
    },
    observeDuration(route: Route, seconds: number): void {
      routeTimers[route].observe(seconds);
    },
  };
}
/** One label set's evaluations; `inc` is a number increment, the counter catches up on the next scrape. */
export interface EvaluationCount {
  inc(): void;
}

interface EvaluationTally extends EvaluationCount {
  child: CounterType.Internal;
  pending: number;
}

export type EvaluatorMetrics = ReturnType<typeof createEvaluatorMetrics>;
