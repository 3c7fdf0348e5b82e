/**
 * The logger every layer receives. Only the type lives in core (core does no I/O); processes
 * create pino loggers with storage/logger.ts and hand them down.
 */
export type { Logger } from 'pino';
