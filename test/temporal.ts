import { ensureEnvironments } from '../storage/environments.js';
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import { Redis } from 'ioredis';
import { createActivities, type ActivityDeps } from '../activities/index.js';
import { OutboxNotifier } from '../activities/outbox-notifier.js';
import { startTemporalDevServer, type TemporalDevServer } from '../cli/temporal-dev-server.js';
import { createWorker } from '../cli/worker.js';
import { createLogger } from '../storage/logger.js';
import type { FlagDocumentInput } from '../core/model/flag.js';
import { validateFlag } from '../core/model/validate-flag.js';
import { applyChange } from '../storage/apply-change.js';
import { redisKeys, type RedisKeys } from '../storage/redis-keys.js';
import { clearRedisPrefix, createTestDatabase, testRedisPrefix, type TestDatabase } from './db.js';

/**
 * One real Temporal dev server per test file, a fresh database, a Redis prefix of its own and an
 * in-process worker on a task queue of its own: what the worker runs in production, nothing faked.
 */
export interface TemporalHarness {
  server: TemporalDevServer;
  client: Client;
  nativeConnection: NativeConnection;
  taskQueue: string;
  db: TestDatabase;
  redis: Redis;
  redisPrefix: string;
  keys: RedisKeys;
  /** Mutable: a test may point PROMETHEUS_URL or INCIDENT_WEBHOOK_URL at its own fake before starting a workflow. */
  settings: ActivityDeps['settings'];
  /** Environment for a child-process worker (`tsx cli/worker.ts`) talking to the same server, DB and prefix. */
  workerEnv(): NodeJS.ProcessEnv;
  startWorker(): Promise<void>;
  stopWorker(): Promise<void>;
  close(): Promise<void>;
}

let runtimeQuiet = false;

/** The SDK logs every worker state change at INFO and replay mismatches at WARN; tests want errors only. Once per process. */
export function quietTemporalRuntime(): void {
  if (runtimeQuiet) return;
  Runtime.install({
    logger: new DefaultLogger('ERROR'),
    telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' }, forward: {} } },
  });
  runtimeQuiet = true;
}

export async function startTemporalHarness(
  options: { worker?: boolean; environments?: string[]; productionEnvironments?: string[] } = {},
): Promise<TemporalHarness> {
  quietTemporalRuntime();
  const server = await startTemporalDevServer();
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection });
  const nativeConnection = await NativeConnection.connect({ address: server.address });
  const db = await createTestDatabase();
  const redis = new Redis('redis://127.0.0.1:6379');
  const redisPrefix = testRedisPrefix('wf');
  const keys = redisKeys(redisPrefix);
  const taskQueue = `switchyard-test-${randomUUID().slice(0, 8)}`;
  // A deployment whose environments are named otherwise (`dev,staging,prod`) gets the same protection.
  const environments = options.environments ?? ['dev', 'staging', 'production'];
  if (options.environments) await ensureEnvironments(db.pool, environments);
  const settings: ActivityDeps['settings'] = {
    ENVIRONMENTS: environments,
    ...(options.productionEnvironments ? { PRODUCTION_ENVIRONMENTS: options.productionEnvironments } : {}),
    PROMETHEUS_URL: undefined,
    INCIDENT_WEBHOOK_URL: undefined,
  };
  const log = createLogger('silent');
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;

  const harness: TemporalHarness = {
    server,
    client,
    nativeConnection,
    taskQueue,
    db,
    redis,
    redisPrefix,
    keys,
    settings,
    workerEnv: () => ({
      ...process.env,
      DATABASE_URL: db.url,
      REDIS_URL: 'redis://127.0.0.1:6379',
      REDIS_PREFIX: redisPrefix,
      TEMPORAL_ADDRESS: server.address,
      TEMPORAL_TASK_QUEUE: taskQueue,
      PROMETHEUS_URL: settings.PROMETHEUS_URL ?? '',
      INCIDENT_WEBHOOK_URL: settings.INCIDENT_WEBHOOK_URL ?? '',
      LOG_LEVEL: 'warn',
    }),
    async startWorker() {
      const activities = createActivities({
        pool: db.pool,
        redis,
        keys,
        log,
        notifier: new OutboxNotifier(db.pool),
        settings,
      });
      worker = await createWorker({ connection: nativeConnection, taskQueue, activities });
      running = worker.run();
    },
    async stopWorker() {
      if (worker && worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      worker = undefined;
      running = undefined;
    },
    async close() {
      await harness.stopWorker().catch(() => undefined);
      await nativeConnection.close().catch(() => undefined);
      await connection.close().catch(() => undefined);
      await server.stop();
      await clearRedisPrefix(redis, redisPrefix);
      redis.disconnect();
      await db.drop();
    },
  };
  if (options.worker !== false) await harness.startWorker();
  return harness;
}

/** Gives `subject` a role, as `/change role grant` would; `until` may be in the past (a shift that has ended). */
export async function grantRole(
  h: TemporalHarness,
  subject: string,
  role: string,
  scope: { env?: string; tenant?: string; until?: string } = {},
): Promise<void> {
  await h.db.pool.query(
    'INSERT INTO role_bindings (subject, role, env, tenant, granted_by, expires_at) VALUES ($1, $2, $3, $4, $5, $6)',
    [subject, role, scope.env ?? null, scope.tenant ?? null, 'test-setup', scope.until ?? null],
  );
}

/** A release flag document as a file or a test would write it: on/off, off by default, expiring in 30 days. */
export function testFlagDocument(
  input: Partial<FlagDocumentInput> & { key: string },
): Partial<FlagDocumentInput> & { key: string } {
  const expiry = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
  return {
    description: 'test flag',
    owner: 'team-test',
    kind: 'release',
    expiry,
    variations: [
      { id: 'on', value: true },
      { id: 'off', value: false },
    ],
    default: 'off',
    ...input,
  };
}

/** Stores a flag through the real apply function (so Redis snapshots exist), returning its version. */
export async function seedFlag(
  h: TemporalHarness,
  input: Partial<FlagDocumentInput> & { key: string },
): Promise<number> {
  const { flag } = validateFlag(testFlagDocument(input));
  const applied = await applyChange(
    { pool: h.db.pool, redis: h.redis, keys: h.keys, log: createLogger('silent') },
    {
      changeId: `seed-${randomUUID()}`,
      actor: 'test-setup',
      action: 'flag.create',
      target: { kind: 'flag', key: flag.key, document: flag },
      expectedVersion: 0,
    },
  );
  return applied.version;
}

/** Polls until `check` returns a value other than undefined (or throws after `timeoutMs`). */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMs = 15_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}
