import { createServer, type Server, type ServerOptions } from 'node:http';
import Fastify, { type FastifyInstance } from 'fastify';
import { Redis, type RedisOptions } from 'ioredis';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { compileSnapshot } from '../core/engine/index.js';
import { createLogger, type Logger } from '../storage/logger.js';
import { keyRingFromSettings } from '../core/secrets/keyring.js';
import type { EvaluatorSettings as Settings } from './settings.js';
import { redisKeys } from '../storage/redis-keys.js';
import { registerConfigRoutes } from './config-routes.js';
import { registerCors } from './cors.js';
import { registerEventStreams, type EventStreamOptions } from './event-stream.js';
import { registerHealthRoutes } from './health-routes.js';
import { createEvaluatorMetrics } from './metrics.js';
import { createFastPath } from './ofrep-fast-path.js';
import { createOfrepAnswers, registerOfrepRoutes } from './ofrep-routes.js';
import { registerSecretsRoutes } from './secrets-routes.js';
import { registerSnapshotRoutes } from './snapshot-routes.js';
import { BODY_LIMIT_BYTES, registerErrorAnswers, registerJsonBody } from './request-body.js';
import { SnapshotStore } from './snapshot-store.js';
import { StreamTokens } from './stream-token.js';

export interface EvaluatorServerOptions {
  /** With `sdkKeyOrigins`, the origins of SDK keys are allowed too (CORS), besides `corsOrigins`. */
  store: Pick<SnapshotStore, 'get' | 'findSdkKey' | 'status'> & Partial<Pick<SnapshotStore, 'sdkKeyOrigins'>>;
  log: Logger;
  metricsRegistry?: Registry;
  /** Origins allowed to call the OFREP routes and /v1/config from a browser (EVALUATOR_CORS_ORIGINS); none by default. */
  corsOrigins?: readonly string[];
  /** OFREP event streams: bulk answers then carry `eventStreams`, and GET /ofrep/v1/events pushes changes. Off when unset. */
  eventStreams?: Omit<EventStreamOptions, 'log'>;
  /**
   * OFREP evaluations answered by a request listener in front of fastify (ofrep-fast-path.ts); on
   * by default. `false` sends every request through fastify: only the parity test
   * (ofrep-fast-path.e2e.test.ts) turns it off, to compare both. `app.inject` always goes through fastify.
   */
  fastPath?: boolean;
}

type FastListener = ReturnType<typeof createFastPath>;

/** What fastify hands a server factory: its resolved options (defaults applied). */
interface ServerFactoryOptions {
  http?: ServerOptions;
  keepAliveTimeout?: number;
  requestTimeout?: number;
  connectionTimeout?: number;
  maxRequestsPerSocket?: number;
}

/** The http.Server fastify would create itself (same timeouts), with the fast path's listener in front of fastify's. */
function serverWith(fast: () => FastListener | undefined) {
  return (handler: Parameters<FastListener>[2], options: ServerFactoryOptions): Server => {
    const server = createServer(options.http ?? {}, (request, response) => {
      const listener = fast();
      if (listener === undefined) handler(request, response);
      else listener(request, response, handler);
    });
    if (options.keepAliveTimeout !== undefined) server.keepAliveTimeout = options.keepAliveTimeout;
    if (options.requestTimeout !== undefined) server.requestTimeout = options.requestTimeout;
    if (options.connectionTimeout !== undefined) server.setTimeout(options.connectionTimeout);
    if (options.maxRequestsPerSocket !== undefined && options.maxRequestsPerSocket > 0)
      server.maxRequestsPerSocket = options.maxRequestsPerSocket;
    return server;
  };
}

/**
 * The evaluator's HTTP app (docs/design.md#evaluator), not yet listening. Every answer comes from the store's
 * memory; nothing on the request path waits on Redis.
 *
 * @example
 * const app = createEvaluatorServer({ store, log });
 * await app.inject({ method: 'POST', url: '/ofrep/v1/evaluate/flags/my-flag', headers: { authorization: 'Bearer …' }, payload: { context: {} } });
 */
export function createEvaluatorServer({
  store,
  log,
  metricsRegistry,
  corsOrigins = [],
  eventStreams,
  fastPath = true,
}: EvaluatorServerOptions): FastifyInstance {
  // Set once every route is declared; requests only arrive after listen().
  let fast: FastListener | undefined;
  // Request logging off: this is the hot path, and per-request log lines would cost more than the evaluation.
  const app = Fastify({
    logger: false,
    bodyLimit: BODY_LIMIT_BYTES,
    ...(fastPath ? { serverFactory: serverWith(() => fast) } : {}),
  });
  const metrics = createEvaluatorMetrics(store, metricsRegistry);
  const parseBody = registerJsonBody(app);
  registerErrorAnswers(app, log);
  // Before the routes: it hooks into the matching ones as they are declared.
  const corsHeaders = registerCors(app, corsOrigins, store.sdkKeyOrigins?.bind(store));
  const streams = eventStreams ? registerEventStreams(app, { ...eventStreams, log }) : undefined;
  const answers = createOfrepAnswers(store, metrics, streams);
  registerOfrepRoutes(app, answers, metrics);
  if (fastPath) {
    let closing = false;
    app.addHook('preClose', (done) => {
      closing = true;
      done();
    });
    fast = createFastPath({ answers, metrics, parseBody, corsHeaders, log, closing: () => closing });
  }
  registerConfigRoutes(app, store, metrics);
  registerSnapshotRoutes(app, store);
  registerHealthRoutes(app, store, metrics.registry);
  return app;
}

export interface StartEvaluatorOptions {
  log?: Logger;
  /** Safety poll of snapshot versions, in ms (default 5 s). */
  pollIntervalMs?: number;
  /** Longest wait between reconnect attempts, in ms (default 1 s): also bounds how stale a replica stays after Redis returns. */
  reconnectCapMs?: number;
  /** How often SDK key use is written to Redis for `switchyard key list`, in ms (default 30 s). */
  keyUsageFlushMs?: number;
}

export interface RunningEvaluator {
  app: FastifyInstance;
  store: SnapshotStore;
  /** Where it listens, e.g. http://127.0.0.1:8080. */
  url: string;
  /** Resolves once every environment has been loaded from Redis (it retries through outages). */
  loaded: Promise<void>;
  close(): Promise<void>;
}

/**
 * Boots the evaluator process: two Redis connections (commands, and one for the change feed's blocking reads), the
 * snapshot store and the HTTP server on EVALUATOR_PORT. It listens at once so /healthz answers
 * during a Redis outage at boot; /readyz says 503 until the snapshots are loaded.
 */
export async function startEvaluator(
  settings: Settings,
  options: StartEvaluatorOptions = {},
): Promise<RunningEvaluator> {
  const log = options.log ?? createLogger(settings.LOG_LEVEL, 'evaluator');
  const cap = options.reconnectCapMs ?? 1_000;
  const common: RedisOptions = {
    retryStrategy: (times) => Math.min(times * 100, cap),
    connectionName: 'switchyard-evaluator',
  };
  // No offline queue and one retry: during an outage a sync fails fast and the held snapshot keeps serving.
  const redis = new Redis(settings.REDIS_URL, { ...common, enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  // A blocking XREAD waits out a reconnect here rather than failing: the follower resumes from its last id.
  const subscriber = new Redis(settings.REDIS_URL, {
    ...common,
    connectionName: 'switchyard-evaluator-feed',
    maxRetriesPerRequest: null,
  });
  const store = new SnapshotStore({
    redis,
    subscriber,
    keys: redisKeys(settings.REDIS_PREFIX),
    compile: (snapshot) => compileSnapshot(snapshot),
    log,
    environments: settings.ENVIRONMENTS,
    ...(options.pollIntervalMs === undefined ? {} : { pollIntervalMs: options.pollIntervalMs }),
    ...(options.keyUsageFlushMs === undefined ? {} : { keyUsageFlushMs: options.keyUsageFlushMs }),
  });
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const app = createEvaluatorServer({
    store,
    log,
    metricsRegistry: registry,
    corsOrigins: settings.EVALUATOR_CORS_ORIGINS,
    eventStreams: { source: store, tokens: new StreamTokens({ secret: settings.EVALUATOR_STREAM_SECRET }) },
  });
  registerSecretsRoutes(app, { store, keyRing: keyRingFromSettings(settings), log });
  const loaded = store.start();
  void loaded.then(() => log.info({ environments: store.status().versions }, 'evaluator snapshots loaded'));
  let url: string;
  try {
    url = await app.listen({ port: settings.EVALUATOR_PORT, host: settings.EVALUATOR_HOST });
  } catch (error) {
    store.stop();
    redis.disconnect();
    subscriber.disconnect();
    throw error;
  }
  log.info({ url }, 'evaluator listening');
  return {
    app,
    store,
    url,
    loaded,
    async close() {
      await store.flushKeyUsage();
      store.stop();
      await app.close();
      redis.disconnect();
      subscriber.disconnect();
    },
  };
}
