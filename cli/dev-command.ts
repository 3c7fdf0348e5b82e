import { mkdirSync } from 'node:fs';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { createLogger } from '../core/logger.js';
import type { Settings } from '../core/settings.js';
import { startEvaluator } from '../evaluator/server.js';
import { ensureEnvironments } from '../storage/environments.js';
import { migrate } from '../storage/migrate.js';
import { createSdkKey, listSdkKeys, syncSdkKeysToRedis } from '../storage/sdk-keys.js';
import { publishSnapshots } from '../storage/snapshot-publisher.js';
import { openStorage } from './storage-runtime.js';
import { startTemporalDevServer } from './temporal-dev-server.js';
import { runWorker } from './worker.js';

export interface DevOptions {
  user: string;
  console: boolean;
}

/**
 * `switchyard dev` (SPEC §9): everything on one machine with embedded defaults. Postgres and
 * Redis are expected at their URLs; Temporal is started from the `temporal` CLI unless
 * TEMPORAL_ADDRESS points at one. Its state lives in .temporal/ so workflows survive a restart.
 */
export async function runDev(base: Settings, options: DevOptions): Promise<void> {
  const log = createLogger(base.LOG_LEVEL, 'dev');
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch((err: unknown) => log.warn({ err }, 'stop failed'));
  };

  let settings = base;
  if (!settings.TEMPORAL_ADDRESS) {
    mkdirSync('.temporal', { recursive: true });
    log.info('starting a local Temporal dev server (first run may build the temporal CLI with Go)');
    const temporal = await startTemporalDevServer({ dbFile: '.temporal/dev.db', log: (line) => log.debug(line) });
    stops.push(() => temporal.stop());
    settings = { ...settings, TEMPORAL_ADDRESS: temporal.address };
    log.info({ address: temporal.address, ui: `http://127.0.0.1:${temporal.uiPort}` }, 'Temporal dev server up');
  }

  await migrate(settings.DATABASE_URL, { log });
  const storage = openStorage(settings, log);
  stops.push(() => storage.close());
  await ensureEnvironments(storage.deps.pool, settings.ENVIRONMENTS);
  await publishSnapshots(storage.deps);
  if ((await listSdkKeys(storage.deps.pool)).length === 0) {
    for (const env of settings.ENVIRONMENTS) {
      const { key } = await createSdkKey(storage.deps, { env, scopes: ['flags', 'config'], name: 'dev', actor: 'cli:dev', reason: 'first run of switchyard dev' });
      process.stdout.write(`SDK key for ${env} (shown once): ${key}\n`);
    }
  } else {
    await syncSdkKeysToRedis(storage.deps);
  }

  const evaluator = await startEvaluator(settings, { log: log.child({ name: 'evaluator' }) });
  stops.push(() => evaluator.close());
  process.stdout.write(`evaluator: ${evaluator.url} (OFREP at /ofrep/v1/evaluate/flags/{key})\n`);

  // The SDK's own state lines (worker RUNNING, DRAINING…) would tear through the console prompt.
  Runtime.install({ logger: new DefaultLogger(options.console ? 'WARN' : 'INFO') });
  const connection = await NativeConnection.connect({ address: settings.TEMPORAL_ADDRESS! });
  stops.push(() => connection.close());
  const stopWorker = new AbortController();
  const worker = runWorker({ settings, connection, log: log.child({ name: 'worker' }), stop: stopWorker.signal });

  if (options.console) {
    const { consoleMain } = await import('../bot/console/index.js');
    await consoleMain(settings, options.user).finally(() => stopWorker.abort());
  }
  // Without the console the worker runs until SIGINT/SIGTERM.
  await worker.catch((err: unknown) => log.error({ err }, 'worker stopped with an error'));
  await stopAll();
  process.exit(0);
}
