import type { FastifyError, FastifyInstance, FastifyBodyParser } from 'fastify';
import type { Logger } from '../core/logger.js';

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
 */
export function registerJsonBody(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('remove', 'remove');
  app.removeAllContentTypeParsers();
  const parse: FastifyBodyParser<string> = (request, body, done) => {
    const text = body as string;
    if (text.trim() === '') return done(null, undefined);
    // fastify's default JSON parser answers through the callback; its declared Promise return is never used.
    void parseJson(request, text, (error, value) => {
      if (error) done(new BodyParseError(`the request body is not valid JSON: ${error.message}`), undefined);
      else done(null, value);
    });
  };
  // Named as well as caught by '*': fastify caches the parser of a named type, but looks the
  // catch-all up afresh (parsing the Content-Type header again) on every request.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, parse);
  app.addContentTypeParser('*', { parseAs: 'string' }, parse);
}

/**
 * Maps every failure to a JSON answer in OFREP's shape, so clients never see fastify's own
 * error bodies or a 500 for their own mistakes.
 */
export function registerErrorAnswers(app: FastifyInstance, log: Logger): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const key = (request.params as { key?: string } | undefined)?.key;
    const withKey = <T extends object>(body: T) => (key === undefined ? body : { key, ...body });
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || error.statusCode === 413) {
      return reply.code(413).send(
        withKey({
          errorCode: 'GENERAL',
          errorDetails: `the request body exceeds the limit of ${BODY_LIMIT_BYTES} bytes`,
        }),
      );
    }
    if (error instanceof BodyParseError) {
      return reply.code(400).send(withKey({ errorCode: 'PARSE_ERROR', errorDetails: error.message }));
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      return reply.code(status).send(withKey({ errorCode: 'GENERAL', errorDetails: error.message }));
    }
    log.error({ err: error, url: request.url }, 'evaluator request failed');
    return reply.code(500).send({ errorDetails: 'internal error in the evaluator; see its logs' });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ errorDetails: `no route ${request.method} ${request.url.split('?')[0]}` }),
  );
}
