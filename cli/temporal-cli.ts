import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Finds (or builds once) the `temporal` CLI that temporal-dev-server.ts runs, so `switchyard dev`
 * and the tests need no Temporal installed.
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
