import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname } from 'node:path';
import { Connection } from '@temporalio/client';
import { findTemporalCli } from './temporal-cli.js';

// Finding the CLI moved to temporal-cli.ts; it stays importable from here.
export { findTemporalCli } from './temporal-cli.js';

/**
 * Runs a throwaway Temporal dev server from the `temporal` CLI (found by temporal-cli.ts).
 * We start the server ourselves rather than through the SDK's launcher: that one downloads the
 * CLI and gives up after 5 s, which a cold start on 2 cores can exceed; we wait on its port instead.
 */

/** A free TCP port on 127.0.0.1, found by letting the OS pick one. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface TemporalDevServerOptions {
  port?: number;
  uiPort?: number;
  /** SQLite file for the server's state, kept across runs; in memory (gone on stop) when omitted. */
  dbFile?: string;
  /** A namespace to create besides `default`. */
  namespace?: string;
  /** Search attributes to register, e.g. `{ SwitchyardFlagKey: 'Keyword' }`. */
  searchAttributes?: Record<string, string>;
  /** Receives the server's output lines (warnings and above). */
  log?: (line: string) => void;
  /** How long to wait for the server to accept connections. */
  readyTimeoutMs?: number;
  /** The CLI binary; found with findTemporalCli() when omitted. */
  cliPath?: string;
}

export interface TemporalDevServer {
  /** `127.0.0.1:<port>`, ready for `Connection.connect({ address })`. */
  address: string;
  port: number;
  uiPort: number;
  /** The server process (benchmarks read its CPU time). */
  pid: number | undefined;
  stop(): Promise<void>;
}

const STOP_GRACE_MS = 5_000;

/**
 * Where the server keeps its state. A throwaway server (tests, benchmarks) keeps it in memory:
 * SQLite on disk syncs every write, and where a sync takes milliseconds the server starts only a
 * few workflows a second. A kept file is written ahead-of-log, synced at checkpoints (only a power
 * cut can lose its last writes): fine for `switchyard dev`.
 */
const storageArgs = (dbFile: string | undefined): string[] =>
  dbFile
    ? ['--db-filename', dbFile, '--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'synchronous=normal']
    : [];

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Kills the child when this process exits or is told to stop, so no server outlives its parent. */
function tieToParent(child: ChildProcess): () => void {
  const kill = () => child.kill('SIGKILL');
  const onExit = kill;
  const onSignal = (signal: NodeJS.Signals) => {
    kill();
    // We were the only listener: restore the default behaviour (terminate) that listening took away.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  process.once('exit', onExit);
  for (const s of signals) process.once(s, onSignal);
  return () => {
    process.off('exit', onExit);
    for (const s of signals) process.off(s, onSignal);
  };
}

async function waitUntilServing(
  address: string,
  namespace: string,
  child: ChildProcess,
  timeoutMs: number,
  output: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `temporal server start-dev exited (${child.exitCode ?? child.signalCode}) before serving:\n${output()}`,
      );
    }
    let connection: Connection | undefined;
    try {
      connection = await Connection.connect({ address, connectTimeout: 2_000 });
      await connection.workflowService.getSystemInfo({});
      // The frontend answers before the default namespace is registered; the namespace is what callers need.
      await connection.workflowService.describeNamespace({ namespace });
      return;
    } catch (error) {
      lastError = error;
      await new Promise((r) => setTimeout(r, 250));
    } finally {
      await connection?.close().catch(() => undefined);
    }
  }
  throw new Error(
    `Temporal dev server at ${address} did not accept connections within ${timeoutMs / 1000}s (${String(lastError)})\n${output()}`,
  );
}

/**
 * Starts `temporal server start-dev` on free local ports and resolves once a client can use the
 * namespace. `stop()` ends it (SIGTERM, then SIGKILL); an in-memory server takes its state with it.
 *
 * @example
 * const server = await startTemporalDevServer();
 * const connection = await Connection.connect({ address: server.address });
 * // …
 * await server.stop();
 */
export async function startTemporalDevServer(options: TemporalDevServerOptions = {}): Promise<TemporalDevServer> {
  const cli = options.cliPath ?? (await findTemporalCli());
  const port = options.port ?? (await freePort());
  let uiPort = options.uiPort ?? (await freePort());
  while (uiPort === port) uiPort = await freePort();
  const namespace = options.namespace ?? 'default';
  // A given db file persists across runs (e.g. `.temporal/dev.db`); its folder may not exist yet.
  if (options.dbFile) await mkdir(dirname(options.dbFile), { recursive: true });

  const args = [
    'server',
    'start-dev',
    '--headless',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--ui-port',
    String(uiPort),
    ...storageArgs(options.dbFile),
    '--namespace',
    'default',
    '--log-level',
    'warn',
    // Same as the SDK's own launcher: without these the server refuses workflow updates (approvals, reviews, rollout controls).
    '--dynamic-config-value',
    'frontend.enableUpdateWorkflowExecution=true',
    '--dynamic-config-value',
    'frontend.enableUpdateWorkflowExecutionAsyncAccepted=true',
  ];
  if (namespace !== 'default') args.push('--namespace', namespace);
  for (const [name, type] of Object.entries(options.searchAttributes ?? {}))
    args.push('--search-attribute', `${name}=${type}`);

  const child = spawn(cli, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const untie = tieToParent(child);
  const recent: string[] = [];
  const onData = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      recent.push(line);
      if (recent.length > 40) recent.shift();
      options.log?.(line);
    }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const spawnError = new Promise<never>((_, reject) => child.once('error', reject));
  spawnError.catch(() => undefined); // only the race below needs it

  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
        await exited(child);
        clearTimeout(timer);
      }
      untie();
    })());

  const address = `127.0.0.1:${port}`;
  try {
    await Promise.race([
      waitUntilServing(address, namespace, child, options.readyTimeoutMs ?? 60_000, () => recent.join('\n')),
      spawnError,
    ]);
  } catch (error) {
    await stop();
    throw error;
  }
  return { address, port, uiPort, pid: child.pid, stop };
}
