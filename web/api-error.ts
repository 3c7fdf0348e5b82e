import { randomUUID } from 'node:crypto';
import type { FastifyError, FastifyInstance } from 'fastify';
import { z } from 'zod';
import { SwitchyardError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';

/** The one shape every failed API call answers with. */
export const errorBodySchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
export type ErrorBody = z.infer<typeof errorBodySchema>;

/** A refusal the API answers with its own status and code (authentication, CSRF, rate limits). */
export class ApiError extends SwitchyardError {}

export const unauthenticated = (message: string) => new ApiError(message, 'UNAUTHENTICATED', 401);
export const forbidden = (message: string) => new ApiError(message, 'FORBIDDEN', 403);

/** The status of each SwitchyardError code the layers below use; anything else of theirs is a 400. */
const STATUS_OF_CODE: Record<string, number> = {
  VALIDATION: 400,
  BAD_COMMAND: 400,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
};

/** An error as the status and body the API answers with; never a 500 for something the caller can fix. */
export function answerOf(err: unknown): { status: number; body: ErrorBody } | undefined {
  if (err instanceof ApiError) return { status: err.status, body: { error: { code: err.code, message: err.message } } };
  if (err instanceof SwitchyardError) {
    const status = STATUS_OF_CODE[err.code] ?? (err.status >= 400 && err.status < 500 ? err.status : undefined);
    if (status) return { status, body: { error: { code: err.code, message: err.message } } };
    return undefined;
  }
  const fastify = err as Partial<FastifyError>;
  if (fastify.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
    return { status: 413, body: { error: { code: 'BODY_TOO_LARGE', message: 'the request body is too large' } } };
  if (typeof fastify.statusCode === 'number' && fastify.statusCode >= 400 && fastify.statusCode < 500) {
    const code = fastify.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? 'UNSUPPORTED_MEDIA_TYPE' : 'BAD_REQUEST';
    return { status: fastify.statusCode, body: { error: { code, message: fastify.message ?? 'bad request' } } };
  }
  return undefined;
}

/**
 * Every failure as `{"error": {"code", "message"}}`; unknown routes too. A 4xx keeps its message:
 * it tells the caller what to fix. A 5xx never carries the error's own text (a driver's message
 * names hosts, users and tables): the caller gets a reference, and the log line with that
 * reference and the request id has the error itself.
 */
export function registerErrorShape(app: FastifyInstance, log: Logger): void {
  app.setErrorHandler((error, request, reply) => {
    const answer = answerOf(error);
    if (answer && answer.status < 500) return reply.code(answer.status).send(answer.body);
    const reference = randomUUID();
    log.error(
      { err: error, errorId: reference, reqId: request.id, method: request.method, url: request.url.split('?')[0] },
      'api request failed',
    );
    // Our own 5xx refusals (the OIDC provider unreachable) keep their words, which name no internals.
    const body: ErrorBody = answer
      ? { error: { code: answer.body.error.code, message: `${answer.body.error.message}; reference ${reference}` } }
      : { error: { code: 'INTERNAL', message: `internal error; reference ${reference}` } };
    return reply.code(answer?.status ?? 500).send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    const body: ErrorBody = {
      error: {
        code: 'NOT_FOUND',
        message: `no route ${request.method} ${request.url.split('?')[0]} (the routes are listed at /api/v1/openapi.json)`,
      },
    };
    return reply.code(404).send(body);
  });
}
