import { fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openBenchStore, REDIS_URL } from './bench-store.js';
import { corpusFlag, corpusKey } from './flag-corpus.js';
import type { Scale } from './scale.js';

export interface ImportResult {
  flags: number;
  budgetMs: number;
  /** importEntries' own time when it finished within the budget. */
  seconds?: number;
  /** Flags stored when the import finished or was stopped. */
  stored: number;
  /** Wall time until it finished or was stopped. */
  wallSeconds: number;
  finished: boolean;
}

/** One file per flag, as a flags-as-code repository holds them. */
function writeFlagFiles(dir: string, count: number): void {
  for (let n = 0; n < count; n++)
    writeFileSync(join(dir, `${corpusKey(n)}.json`), `${JSON.stringify(corpusFlag(n), null, 2)}\n`);
}

/**
 * `importEntries` (what `switchyard import <dir>` runs) of a directory of generated flag files
 * into a fresh database, in a child process; stopped when it overruns the budget, reporting how
 * many flags it had stored by then.
 */
export async function runImport(scale: Scale, log: (line: string) => void): Promise<ImportResult> {
  const store = await openBenchStore('import');
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-bench-import-'));
  try {
    writeFlagFiles(dir, scale.importFlags);
    const script = fileURLToPath(new URL('./import-process.ts', import.meta.url));
    const started = performance.now();
    const child = fork(script, [], {
      execArgv: ['--import', 'tsx'],
      env: {
        ...process.env,
        BENCH_IMPORT_DATABASE_URL: store.url,
        BENCH_IMPORT_REDIS_URL: REDIS_URL,
        BENCH_IMPORT_PREFIX: store.prefix,
        BENCH_IMPORT_DIR: dir,
      },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const stored = async () =>
      Number(
        (await store.deps.pool.query<{ n: string }>('SELECT count(DISTINCT key) AS n FROM flag_versions')).rows[0]!.n,
      );
    const outcome = await new Promise<{ ms?: number; applied?: number; error?: string } | 'budget'>((resolve) => {
      const progress = setInterval(
        () =>
          void stored().then(
            (n) =>
              log(
                `  … ${n} of ${scale.importFlags} stored after ${((performance.now() - started) / 1000).toFixed(0)} s`,
              ),
            () => undefined,
          ),
        15_000,
      );
      const budget = setTimeout(() => {
        clearInterval(progress);
        resolve('budget');
      }, scale.importBudgetMs);
      child.once('message', (message: { ms?: number; applied?: number; error?: string }) => {
        clearTimeout(budget);
        clearInterval(progress);
        resolve(message);
      });
      child.once('exit', (code) => {
        clearTimeout(budget);
        clearInterval(progress);
        resolve({ error: `the import process exited with code ${code}` });
      });
    });
    const wallSeconds = (performance.now() - started) / 1000;
    if (outcome === 'budget') {
      child.kill('SIGKILL');
      await new Promise((resolve) =>
        child.exitCode !== null || child.signalCode !== null ? resolve(undefined) : child.once('exit', resolve),
      );
    }
    const count = await stored();
    if (outcome !== 'budget' && outcome.error)
      throw new Error(`the import failed after ${wallSeconds.toFixed(1)} s: ${outcome.error}`);
    const result: ImportResult = {
      flags: scale.importFlags,
      budgetMs: scale.importBudgetMs,
      ...(outcome === 'budget' ? {} : { seconds: outcome.ms! / 1000 }),
      stored: count,
      wallSeconds,
      finished: outcome !== 'budget',
    };
    log(
      result.finished
        ? `  imported ${scale.importFlags} flags in ${result.seconds!.toFixed(1)} s`
        : `  stopped after ${(scale.importBudgetMs / 1000).toFixed(0)} s with ${count} of ${scale.importFlags} flags stored`,
    );
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await store.close();
  }
}
