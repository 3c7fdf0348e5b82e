import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { access, constants, mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Connection } from '@temporalio/client';

/**
 * Finds (or builds once) the `temporal` CLI and runs a throwaway dev server from it, so
 * `switchyard dev` and the tests need no Temporal installed.
 * We start the server ourselves rather than through the SDK's launcher: that one downloads the
 * CLI and gives up after 5 s, which a cold start on 2 cores can exceed; we wait on its port instead.
 */

async function isExecutableFile(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** scripts/temporal-cli.sh, looked up from this file so it works from the source tree and from dist/. */
function findLauncherScript(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    const candidate = join(dir, 'scripts', 'temporal-cli.sh');
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  return undefined;
}

/**
 * The path of a `temporal` binary: `$TEMPORAL_CLI_PATH`, then `PATH`, then the cache
 * `${XDG_CACHE_HOME:-~/.cache}/switchyard/bin/temporal`; otherwise runs scripts/temporal-cli.sh,
 * which builds it once with `go install` (never a download).
 *
 * @example const bin = await findTemporalCli(); // "/home/me/.cache/switchyard/bin/temporal"
 */
export async function findTemporalCli(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  if (env.TEMPORAL_CLI_PATH && (await isExecutableFile(env.TEMPORAL_CLI_PATH))) return env.TEMPORAL_CLI_PATH;
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const candidate = join(dir, 'temporal');
    if (await isExecutableFile(candidate)) return candidate;
  }
  const cached = join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'switchyard', 'bin', 'temporal');
  if (await isExecutableFile(cached)) return cached;

  const script = findLauncherScript();
  if (!script) {
    throw new Error(
      'No Temporal CLI found: put `temporal` on PATH, set TEMPORAL_CLI_PATH, or set TEMPORAL_ADDRESS to a running server',
    );
  }
  return new Promise((resolve, reject) => {
    const child = execFile('bash', [script], { env, maxBuffer: 1 << 20 }, (error, stdout) => {
      if (error)
        reject(
          new Error(
            `Could not find or build the Temporal CLI (scripts/temporal-cli.sh exited with ${error.code ?? error.message})`,
          ),
        );
      else resolve(stdout.trim().split('\n').pop()!);
    });
    // The build takes minutes: let its progress reach the terminal.
    child.stderr?.pipe(process.stderr);
  });
}

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
