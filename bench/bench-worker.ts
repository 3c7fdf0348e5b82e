import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import { createActivities } from '../activities/index.js';
import { OutboxNotifier } from '../activities/outbox-notifier.js';
import { startTemporalDevServer } from '../cli/temporal-dev-server.js';
import { createWorker } from '../cli/worker.js';
import type { BenchStore } from './bench-store.js';

/** A Temporal dev server of its own and the real worker (workflows and activities) on a task queue of its own, over a bench store. */
export interface BenchTemporal {
  client: Client;
  taskQueue: string;
  /** CPU seconds the Temporal server process has used so far (user + system), undefined where /proc is not there. */
  serverCpuSeconds(): number | undefined;
  close(): Promise<void>;
}

let runtimeInstalled = false;

/** utime + stime of a process from /proc/<pid>/stat, in seconds (clock ticks are 100 a second on Linux). */
function processCpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

const within = (ms: number, work: Promise<unknown>) =>
  Promise.race([work.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, ms))]);

export async function startBenchTemporal(store: BenchStore): Promise<BenchTemporal> {
  if (!runtimeInstalled) {
    // The SDK logs every worker state change at INFO; a benchmark wants errors only.
    Runtime.install({
      logger: new DefaultLogger('ERROR'),
      telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' }, forward: {} } },
    });
    runtimeInstalled = true;
  }
  const server = await startTemporalDevServer();
  const connection = await Connection.connect({ address: server.address });
  const nativeConnection = await NativeConnection.connect({ address: server.address });
  const client = new Client({ connection });
  const taskQueue = `switchyard-bench-${randomUUID().slice(0, 8)}`;
  const { pool, redis, keys, log: storageLog } = store.deps;
  const activities = createActivities({
    pool,
    redis,
    keys,
    log: storageLog,
    notifier: new OutboxNotifier(pool),
    settings: {
      ENVIRONMENTS: ['dev', 'staging', 'production'],
      PROMETHEUS_URL: undefined,
      INCIDENT_WEBHOOK_URL: undefined,
    },
  });
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  try {
    worker = await createWorker({ connection: nativeConnection, taskQueue, activities });
    running = worker.run();
  } catch (error) {
    await nativeConnection.close().catch(() => undefined);
    await connection.close().catch(() => undefined);
    await server.stop();
    throw error;
  }
  return {
    client,
    taskQueue,
    serverCpuSeconds: () => processCpuSeconds(server.pid),
    async close() {
      // Workflows still running are abandoned with the server; activities in flight get a moment to end.
      if (worker?.getState() === 'RUNNING') worker.shutdown();
      await within(15_000, running!);
      await connection.close().catch(() => undefined);
      await server.stop();
      await within(15_000, running!);
      await nativeConnection.close().catch(() => undefined);
    },
  };
}
