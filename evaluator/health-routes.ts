import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { SnapshotStore } from './snapshot-store.js';

/** `/healthz` (the process runs), `/readyz` (it can serve) and `/metrics` (Prometheus). */
export function registerHealthRoutes(
  app: FastifyInstance,
  store: Pick<SnapshotStore, 'status'>,
  registry: Registry,
): void {
  app.get('/healthz', (_request, reply) => reply.send({ status: 'ok' }));

  app.get('/readyz', (_request, reply) => {
    const { redisConnected, lastSyncAt, versions, epochs, waitingFor } = store.status();
    const body = {
      redis: redisConnected ? 'connected' : 'disconnected',
      environments: versions,
      epochs,
      lastSyncAt: lastSyncAt === undefined ? null : new Date(lastSyncAt).toISOString(),
    };
    // Holding nothing published, it would answer empty flags and 401s as if they were the truth.
    if (waitingFor.length)
      return reply.code(503).send({ ready: false, ...body, errorDetails: waitingFor.join('; '), waitingFor });
    // With Redis down but snapshots held, the evaluator still answers correctly as of the last
    // change it saw. Failing readiness would make load balancers pull every replica at once and
    // turn a Redis outage into a total one, so it stays ready and says it is degraded
    // (docs/design.md#evaluator); `switchyard_redis_connected` and `switchyard_snapshot_age_seconds` alert on it.
    if (!redisConnected) return reply.send({ ready: true, degraded: true, servingLastKnownGood: true, ...body });
    return reply.send({ ready: true, degraded: false, ...body });
  });

  app.get('/metrics', async (_request, reply) => {
    const text = await registry.metrics();
    return reply.header('content-type', registry.contentType).send(text);
  });
}
