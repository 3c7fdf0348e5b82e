import { pino, type Logger } from 'pino';

/** Secrets and credentials never reach a log line, whatever object is logged. */
const REDACT = ['*.value_encrypted', '*.secret', '*.token', '*.authorization', 'req.headers.authorization', '*.sdkKey', '*.password'];

export function createLogger(level = process.env.LOG_LEVEL ?? 'info', name = 'switchyard'): Logger {
  return pino({ name, level, redact: { paths: REDACT, censor: '[redacted]' } });
}

export type { Logger };
