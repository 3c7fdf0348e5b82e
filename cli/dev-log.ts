import { mkdirSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApplicationFailure, ApplicationFailureCategory } from '@temporalio/common';
import { DefaultLogger, type LogEntry } from '@temporalio/worker';
import { pino, type DestinationStream } from 'pino';
import type { Logger } from '../core/logger.js';

/**
 * Where `switchyard dev` writes its logs while the console owns the terminal:
 * `${XDG_CACHE_HOME:-~/.cache}/switchyard/dev.log` (beside the cached temporal CLI), or the OS
 * temp folder when that cannot be created.
 */
export function openDevLog(env: NodeJS.ProcessEnv = process.env): { path: string; destination: DestinationStream } {
  const candidates = [
    join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'switchyard'),
    join(tmpdir(), 'switchyard'),
  ];
  for (const dir of candidates) {
    try {
      mkdirSync(dir, { recursive: true });
      const path = join(dir, 'dev.log');
      // Appended, so a restart keeps the previous run's lines; synchronous, so nothing is lost on exit.
      return { path, destination: pino.destination({ dest: path, append: true, sync: true }) };
    } catch {
      // Try the next folder.
    }
  }
  throw new Error(`cannot create a log file in ${candidates.join(' or ')}`);
}

const PINO_LEVEL = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const;

/**
 * Temporal's own logger (worker state, activity failures) writing into `log`, so its lines land
 * where ours do instead of on the terminal. Its `error` meta becomes pino's `err`, which keeps
 * the stack.
 */
export function temporalLoggerInto(log: Logger, level: keyof typeof PINO_LEVEL = 'INFO'): DefaultLogger {
  return new DefaultLogger(level, (entry: LogEntry) => {
    const { error, ...meta } = (entry.meta ?? {}) as Record<string, unknown>;
    // A user's refusal (marked BENIGN by the worker) is worth a line, not a stack trace.
    const benign = error instanceof ApplicationFailure && error.category === ApplicationFailureCategory.BENIGN;
    const about =
      error === undefined ? {} : benign ? { refusal: { type: error.type, message: error.message } } : { err: error };
    log[PINO_LEVEL[entry.level]]({ ...meta, ...about }, entry.message);
  });
}
