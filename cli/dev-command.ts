import { mkdirSync } from 'node:fs';
import { Runtime } from '@temporalio/worker';
import { SwitchyardError } from '../core/errors.js';
import { keyRingFromSettings } from '../core/secrets/keyring.js';
import { createLogger, type Logger } from '../storage/logger.js';
import { devMasterKey } from './dev-master-key.js';
import type { Settings } from './settings.js';
import { startEvaluator } from '../evaluator/server.js';
import { startWeb } from '../web/server.js';
import { postgresConnectionProblem, redactedDatabaseUrl } from '../storage/db.js';
import { ensureEnvironments } from '../storage/environments.js';
import { migrate } from '../storage/migrate.js';
import { listSdkKeys } from '../storage/sdk-key-list.js';
import { createSdkKey, syncSdkKeysToRedis } from '../storage/sdk-keys.js';
import { publishSnapshots } from '../storage/snapshot-publisher.js';
import { openDevLog, temporalLoggerInto } from './dev-log.js';
import { describePolicy } from '../core/policy.js';
import { describeSeed, SEED_ACTOR, seedWalkthroughRoles } from './dev-seed.js';
import { openStorage } from './storage-runtime.js';
import { startTemporalDevServer } from './temporal-dev-server.js';
import { runWorker } from './worker.js';

export interface DevOptions {
  user: string;
  console: boolean;
}

/**
 * `switchyard dev`: everything on one machine with embedded defaults. Postgres and Redis are
 * expected at their URLs; Temporal is started from the `temporal` CLI unless TEMPORAL_ADDRESS
 * points at one. Its state lives in .temporal/ so workflows survive a restart.
 *
 * With the console, the terminal is the console's: every log line (ours and Temporal's) goes to
 * a file named in the banner, and a failure to start is one line. A fresh database gets the
 * README walkthrough's roles, so its first command is not refused.
 */
export async function runDev(base: Settings, options: DevOptions): Promise<void> {
  const say = (line: string) => process.stdout.write(`${line}\n`);
  const logFile = options.console ? openDevLog() : undefined;
  const log = createLogger(base.LOG_LEVEL, 'dev', logFile?.destination);
  // Installed before anything touches Temporal's native runtime: it can be set only once.
  const verbose = base.LOG_LEVEL === 'debug' || base.LOG_LEVEL === 'trace';
  Runtime.install({ logger: temporalLoggerInto(log.child({ name: 'temporal' }), verbose ? 'DEBUG' : 'INFO') });
  log.info({ user: options.user }, 'switchyard dev starting');

  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch((err: unknown) => log.warn({ err }, 'stop failed'));
  };

  const details = logFile ? ` (details in ${logFile.path})` : '';
  /** A failure to start is one line on the terminal; its stack goes to the log. */
  const startFailed = async (err: unknown): Promise<never> => {
    log.error({ err }, 'switchyard dev could not start');
    await stopAll();
    if (err instanceof SwitchyardError) throw err;
    // ioredis gives up on a command after its retries without saying where it tried.
    if (err instanceof Error && err.name === 'MaxRetriesPerRequestError') {
      throw new SwitchyardError(
        `cannot reach Redis at REDIS_URL=${base.REDIS_URL}: start it (from a clone: \`bash scripts/services.sh\`) or point REDIS_URL at a running server`,
        'UNAVAILABLE',
        503,
      );
    }
    throw new SwitchyardError(
      `switchyard dev could not start: ${err instanceof Error ? err.message : String(err)}${details}`,
      'UNAVAILABLE',
      503,
    );
  };

  const { settings, lines } = await startServices(base, log, stops, say).catch(startFailed);

  const stopWorker = new AbortController();
  let isRunning = false;
  let running!: () => void;
  const workerRunning = new Promise<void>((resolve) => (running = resolve));
  let workerError: unknown;
  // runWorker connects on its own, so an unreachable Temporal reads the same as for `switchyard worker`.
  const worker = runWorker({
    settings,
    log: log.child({ name: 'worker' }),
    stop: stopWorker.signal,
    onRunning: () => {
      isRunning = true;
      running();
    },
  }).catch((err: unknown) => {
    workerError = err;
    if (!isRunning) return;
    log.error({ err }, 'worker stopped with an error');
    say(`worker stopped: ${err instanceof Error ? err.message : String(err)}${details}`);
  });
  // The console opens once the worker polls: a first command then gets its answer, not "still running".
  await Promise.race([workerRunning, worker]);
  if (!isRunning) await startFailed(workerError ?? new Error('the worker stopped before it started'));

  if (logFile) lines.push(`logs       ${logFile.path}`);
  say(['Switchyard dev is up.', ...lines.map((l) => `  ${l}`)].join('\n'));

  if (options.console) {
    const { consoleMain } = await import('../bot/console/index.js');
    await consoleMain(settings, options.user, { log: log.child({ name: 'console' }) }).finally(() =>
      stopWorker.abort(),
    );
  }
  // Without the console the worker runs until SIGINT/SIGTERM.
  await worker;
  await stopAll();
  process.exit(0);
}

/** Postgres first (the likeliest thing to be missing, and cheap to check), then Temporal, data, the evaluator. Returns the banner's lines. */
async function startServices(
  base: Settings,
  log: Logger,
  stops: Array<() => Promise<void>>,
  say: (line: string) => void,
): Promise<{ settings: Settings; lines: string[] }> {
  await migrate(base.DATABASE_URL, { log }).catch((err: unknown) => {
    throw postgresConnectionProblem(err, base.DATABASE_URL) ?? err;
  });
  const lines = [`database   ${redactedDatabaseUrl(base.DATABASE_URL)}`];

  let settings = base;
  if (!keyRingFromSettings(settings)) {
    const { key, path } = devMasterKey();
    settings = { ...settings, SECRETS_MASTER_KEY: key };
    lines.push(`secrets    sealed with a dev-only master key kept in ${path} (set SECRETS_MASTER_KEY for real use)`);
  }
  if (!settings.TEMPORAL_ADDRESS) {
    mkdirSync('.temporal', { recursive: true });
    say('Starting a local Temporal dev server (the first run builds the temporal CLI with Go)…');
    const temporal = await startTemporalDevServer({
      dbFile: '.temporal/dev.db',
      log: (line) => log.debug({ name: 'temporal-server' }, line),
    });
    stops.push(() => temporal.stop());
    settings = { ...settings, TEMPORAL_ADDRESS: temporal.address };
    lines.push(`Temporal   ${temporal.address} (UI http://127.0.0.1:${temporal.uiPort})`);
  } else {
    lines.push(`Temporal   ${settings.TEMPORAL_ADDRESS}`);
  }

  const storage = openStorage(settings, log);
  stops.push(() => storage.close());
  await ensureEnvironments(storage.deps.pool, settings.ENVIRONMENTS);
  await publishSnapshots(storage.deps);

  lines.push(`policy     ${describePolicy(storage.policy)}`);
  const seeded = await seedWalkthroughRoles({ ...storage.deps, policy: storage.policy });
  lines.push(
    seeded
      ? `roles      ${describeSeed(seeded)} (seeded into this fresh database for the README walkthrough, audited as \`${SEED_ACTOR}\`)`
      : 'roles      as this database has them (`switchyard role list <user>`)',
  );

  if ((await listSdkKeys(storage.deps.pool)).length === 0) {
    for (const env of settings.ENVIRONMENTS) {
      const { key } = await createSdkKey(storage.deps, {
        env,
        scopes: ['flags', 'config'],
        name: 'dev',
        actor: 'cli:dev',
        reason: 'first run of switchyard dev',
      });
      lines.push(`SDK key    ${env}: ${key} (shown once)`);
    }
  } else {
    await syncSdkKeysToRedis(storage.deps);
  }

  const evaluator = await startEvaluator(settings, { log: log.child({ name: 'evaluator' }) });
  stops.push(() => evaluator.close());
  lines.push(`evaluator  ${evaluator.url} (OFREP at /ofrep/v1/evaluate/flags/{key})`);

  // On loopback unless WEB_HOST says otherwise; only then does /dev-login sign anyone in.
  const web = await startWeb(settings, { log: log.child({ name: 'web' }), dev: true });
  stops.push(() => web.close());
  lines.push(`Console    ${web.url}/ (sign in at ${web.url}/dev-login?user=U_ALICE)`);
  lines.push(`API        ${web.url}/api/v1 (OpenAPI at /api/v1/openapi.json)`);
  return { settings, lines };
}
