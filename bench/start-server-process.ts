import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface ServerProcess {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** Starts bench/server-process.ts in its own Node process and waits for it to report its URL. */
export function startServerProcess(
  mode: 'evaluator' | 'provider' | 'bare',
  env: Record<string, string>,
): Promise<ServerProcess> {
  const script = fileURLToPath(new URL('./server-process.ts', import.meta.url));
  const child: ChildProcess = fork(script, [mode], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
      child.once('exit', () => {
        clearTimeout(force);
        resolve();
      });
      child.kill('SIGTERM');
    });
  return new Promise((resolve, reject) => {
    const timeout = setTimeout(() => {
      void stop();
      reject(new Error(`the ${mode} server did not report its URL within 30 s`));
    }, 30_000);
    child.once('message', (message: { url?: string }) => {
      clearTimeout(timeout);
      if (!message?.url)
        return reject(new Error(`the ${mode} server sent ${JSON.stringify(message)} instead of its URL`));
      resolve({ url: message.url, pid: child.pid!, stop });
    });
    child.once('exit', (code) => {
      clearTimeout(timeout);
      reject(new Error(`the ${mode} server exited with code ${code} before reporting its URL`));
    });
  });
}
