import type { FastifyError, FastifyInstance, FastifyBodyParser, FastifyRequest } from 'fastify';
import type { Logger } from '../core/logger.js';
import type { ReplyLike } from './http-like.js';

/** OFREP bodies are a context of a few attributes; anything larger is a client bug or abuse. */
export const BODY_LIMIT_BYTES = 64 * 1024;

class BodyParseError extends Error {
  readonly statusCode = 400;
  readonly code = 'PARSE_ERROR';
}

/**
 * Every body is read as JSON whatever its Content-Type: OFREP clients send application/json, and
 * accepting `curl -d` (form content type) costs nothing, whereas a 415 would only puzzle people.
 * An empty body means "no context".
 *
 * Returns the same parsing for the fast path (ofrep-fast-path.ts), so both read a body alike.
 */
export function registerJsonBody(app: FastifyInstance): ParseBody {
  const parseJson = app.getDefaultJsonParser('remove', 'remove');
  app.removeAllContentTypeParsers();
  const parseText: ParseBody = (text, done) => {
    if (text.trim() === '') return done(null, undefined);
    // fastify's default JSON parser answers through the callback; its declared Promise return is
    // never used, nor is its request argument read (fastify 5 behaviour, checked by the parity test), which the fast path has not.
    void parseJson(undefined as unknown as FastifyRequest, text, (error, value) => {
      if (error) done(new BodyParseError(`the request body is not valid JSON: ${error.message}`), undefined);
      else done(null, value);
    });
  };
  const parse: FastifyBodyParser<string> = (_request, body, done) => parseText(body as string, done);
  // Named as well as caught by '*': fastify caches the parser of a named type, but looks the
  // catch-all up afresh (parsing the Content-Type header again) on every request.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, parse);
  app.addContentTypeParser('*', { parseAs: 'string' }, parse);
  return parseText;
}

/** A body's text to its JSON value (undefined when empty), or a BodyParseError. */
export type ParseBody = (text: string, done: (error: Error | null, value: unknown) => void) => void;

/**
 * Maps every failure to a JSON answer in OFREP's shape, so clients never see fastify's own
 * error bodies or a 500 for their own mistakes.
 */
export function registerErrorAnswers(app: FastifyInstance, log: Logger): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    answerError(error, (request.params as { key?: string } | undefined)?.key, request.url, reply, log);
    return reply;
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ errorDetails: `no route ${request.method} ${request.url.split('?')[0]}` }),
  );
}

/** The answer to a failed request (`key`: the single-flag route's), for fastify's error handler and the fast path alike. */
export function answerError(
  error: Partial<Pick<FastifyError, 'code' | 'statusCode'>> & Error,
  key: string | undefined,
  url: string,
  reply: ReplyLike,
  log: Logger,
): void {
  const withKey = <T extends object>(body: T) => (key === undefined ? body : { key, ...body });
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || error.statusCode === 413) {
    reply.code(413).send(
      withKey({
        errorCode: 'GENERAL',
        errorDetails: `the request body exceeds the limit of ${BODY_LIMIT_BYTES} bytes`,
      }),
    );
    return;
  }
  if (error instanceof BodyParseError) {
    reply.code(400).send(withKey({ errorCode: 'PARSE_ERROR', errorDetails: error.message }));
    return;
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    reply.code(status).send(withKey({ errorCode: 'GENERAL', errorDetails: error.message }));
    return;
  }
  log.error({ err: error, url }, 'evaluator request failed');
  reply.code(500).send({ errorDetails: 'internal error in the evaluator; see its logs' });
}
