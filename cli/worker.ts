import { describePolicy, policyOf } from '../core/policy.js';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  bundleWorkflowCode,
  DefaultLogger,
  Runtime,
  Worker,
  type NativeConnection,
  type WorkflowBundle,
} from '@temporalio/worker';
import { Redis } from 'ioredis';
import { createActivities, type Activities } from '../activities/index.js';
import { OutboxNotifier } from '../activities/outbox-notifier.js';
import { slackNotifierFromSettings } from '../activities/slack-notifier.js';
import type { Logger } from '../core/logger.js';
import { connectTemporal, connectTemporalWorker } from '../bot/temporal-connection.js';
import { createLogger } from '../storage/logger.js';
import { createPool } from '../storage/db.js';
import { redisKeys } from '../storage/redis-keys.js';
import { startRedisRepair, type RedisRepair } from '../storage/redis-repair.js';
import { TASK_QUEUE_DEFAULT, workflowIds } from '../workflows/contracts.js';
import { ensureStaleFlagsSchedule } from '../bot/workflow-starters.js';
import { benignUserErrorsInterceptor } from './benign-user-errors.js';
import { startMissingGuardrailMonitors } from './guardrail-monitors.js';
import type { Settings } from './settings.js';

/** The workflow bundle's entry: the TypeScript sources under tsx, the compiled files under dist. */
export function workflowsEntry(): string {
  for (const name of ['../workflows/index.ts', '../workflows/index.js']) {
    const path = fileURLToPath(new URL(name, import.meta.url));
    if (existsSync(path)) return path;
  }
  throw new Error('workflows/index.ts not found next to cli/');
}

let bundle: Promise<WorkflowBundle> | undefined;

/**
 * Bundles the workflow code once per process (webpack takes seconds). Sources import with `.js`
 * suffixes (NodeNext), so webpack is told a `.js` import may be a `.ts` file.
 */
export function workflowBundle(): Promise<WorkflowBundle> {
  bundle ??= bundleWorkflowCode({
    workflowsPath: workflowsEntry(),
    webpackConfigHook: (config) => {
      config.resolve = { ...config.resolve, extensionAlias: { '.js': ['.ts', '.js'] } };
      return config;
    },
    logger: {
      log: () => undefined,
      trace: () => undefined,
      debug: () => undefined,
      info: () => undefined,
      warn: () => undefined,
      error: (m) => process.stderr.write(`${m}\n`),
    },
  });
  return bundle;
}

export interface CreateWorkerOptions {
  connection: NativeConnection;
  namespace?: string;
  taskQueue?: string;
  activities: Activities;
}

export async function createWorker(options: CreateWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace ?? 'default',
    taskQueue: options.taskQueue ?? TASK_QUEUE_DEFAULT,
    workflowBundle: await workflowBundle(),
    activities: options.activities,
    // A user's refusal is not an activity failure: logged at debug, not as a warning with a stack.
    interceptors: { activity: [benignUserErrorsInterceptor] },
    // A burst of requests (a thousand rollouts started at once) is a burst of workflow tasks, each
    // waiting on a round trip to the server: more of them in flight and more polls keep the
    // worker busy instead of waiting (docs/BENCHMARKS.md, section h, measured 200 rollouts: last
    // first stage 24 s with the defaults of 40 and 10, 13 s with these).
    maxConcurrentWorkflowTaskExecutions: 100,
    maxConcurrentWorkflowTaskPolls: 20,
    maxConcurrentActivityTaskPolls: 20,
  });
}

export interface RunWorkerOptions {
  settings: Settings;
  connection?: NativeConnection;
  taskQueue?: string;
  log: Logger;
  /**
   * Create the daily stale-flags Schedule if missing and start guardrail monitors for flags that
   * have none (default true). Talks to TEMPORAL_ADDRESS;
   * a caller that hands in its own connection to a server elsewhere should pass false and call
   * ensureStaleFlagsSchedule itself.
   */
  ensureSchedules?: boolean;
  /** Stops the worker like SIGTERM does (`switchyard dev` aborts it when the console quits). */
  stop?: AbortSignal;
  /** Called once the worker polls its task queue (`switchyard dev` opens the console then). */
  onRunning?: () => void;
}

/**
 * `switchyard worker`: runs workflows and activities until SIGINT/SIGTERM (or `options.stop`
 * aborts), then drains in-flight activities and closes its pools. A stop that arrives while the
 * worker is still starting ends it as soon as it has started. Temporal re-dispatches anything it
 * did not finish.
 */
export async function runWorker(options: RunWorkerOptions): Promise<void> {
  const { settings, log } = options;
  let requestStop!: () => void;
  const stopRequested = new Promise<void>((resolve) => (requestStop = resolve));
  process.once('SIGINT', requestStop);
  process.once('SIGTERM', requestStop);
  options.stop?.addEventListener('abort', requestStop, { once: true });
  if (options.stop?.aborted) requestStop();

  const pool = createPool(settings.DATABASE_URL, { log });
  const redis = new Redis(settings.REDIS_URL, { lazyConnect: false });
  let connection: NativeConnection | undefined = options.connection;
  let repair: RedisRepair | undefined;
  try {
    // Redis is a cache of Postgres: the worker puts back what it lost (docs/design.md#redis-snapshot-cache).
    repair = startRedisRepair({ pool, redis, keys: redisKeys(settings.REDIS_PREFIX), log });
    connection ??= await connectTemporalWorker(settings);
    const activities = createActivities({
      pool,
      redis,
      keys: redisKeys(settings.REDIS_PREFIX),
      log,
      // Without a bot token, notifications stay in the outbox table, where the console reads them.
      notifier: slackNotifierFromSettings(settings, pool, log) ?? new OutboxNotifier(pool),
      settings,
    });
    const taskQueue = options.taskQueue ?? settings.TEMPORAL_TASK_QUEUE;
    const worker = await createWorker({ connection, namespace: settings.TEMPORAL_NAMESPACE, taskQueue, activities });
    if (options.ensureSchedules ?? true) {
      const temporal = await connectTemporal(settings);
      try {
        const { created } = await ensureStaleFlagsSchedule(temporal.client, { taskQueue });
        if (created) log.info({ scheduleId: workflowIds.staleFlagsSchedule }, 'created the daily stale-flags schedule');
        await startMissingGuardrailMonitors(temporal.client, pool, {
          taskQueue,
          environments: settings.ENVIRONMENTS,
          log,
        });
      } finally {
        await temporal.connection.close();
      }
    }
    log.info(
      { taskQueue, address: settings.TEMPORAL_ADDRESS, policy: describePolicy(policyOf(settings)) },
      'worker running',
    );
    options.onRunning?.();
    await worker.runUntil(stopRequested);
  } finally {
    process.off('SIGINT', requestStop);
    process.off('SIGTERM', requestStop);
    options.stop?.removeEventListener('abort', requestStop);
    await repair?.stop();
    if (!options.connection) await connection?.close();
    await pool.end();
    redis.disconnect();
    log.info('worker stopped');
  }
}

// Run directly (`tsx cli/worker.ts`): the worker-kill test starts it this way as a child process.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { loadSettingsOrExit } = await import('./settings.js');
  const settings = loadSettingsOrExit();
  // The SDK's own log lines (worker state, polling) at warn and above only.
  Runtime.install({ logger: new DefaultLogger('WARN') });
  await runWorker({ settings, log: createLogger(settings.LOG_LEVEL, 'worker') });
}
