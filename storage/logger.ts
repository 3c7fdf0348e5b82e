import { pino, type DestinationStream } from 'pino';
import type { Logger } from '../core/logger.js';

/** Secrets and credentials never reach a log line, whatever object is logged. */
const REDACT = [
  '*.value_encrypted',
  '*.secret',
  '*.token',
  '*.authorization',
  'req.headers.authorization',
  '*.sdkKey',
  '*.password',
];

/**
 * JSON lines on stdout, or on `destination` (e.g. `switchyard dev` writes them to a file, away
 * from the console). Processes create their loggers here; everything below them receives one.
 */
export function createLogger(
  level = process.env.LOG_LEVEL ?? 'info',
  name = 'switchyard',
  destination?: DestinationStream,
): Logger {
  const options = { name, level, redact: { paths: REDACT, censor: '[redacted]' } };
  return destination ? pino(options, destination) : pino(options);
}

export type { Logger };
