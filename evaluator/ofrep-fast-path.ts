import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../core/logger.js';
import type { CorsHeaders } from './cors.js';
import type { ReplyLike, RequestLike } from './http-like.js';
import type { EvaluatorMetrics } from './metrics.js';
import { BULK_ROUTE, SINGLE_ROUTE, type OfrepAnswers } from './ofrep-routes.js';
import { answerError, BODY_LIMIT_BYTES, type ParseBody } from './request-body.js';

/** What fastify sends an object as (its default serializer, JSON.stringify). */
const JSON_TYPE = 'application/json; charset=utf-8';
const SINGLE_PREFIX = '/ofrep/v1/evaluate/flags/';
/** The content types fastify's parser lookup would hand to our JSON parser unchanged; any other goes to fastify. */
const PLAIN_JSON = /^application\/json(; ?charset=utf-8)?$/i;
const DIGITS = /^\d+$/;

export type Fallback = (request: IncomingMessage, response: ServerResponse) => void;

export interface FastPathOptions {
  answers: OfrepAnswers;
  metrics: EvaluatorMetrics;
  parseBody: ParseBody;
  corsHeaders: CorsHeaders | undefined;
  log: Logger;
  /** True once the app is closing: fastify then answers 503 itself (return503OnClosing). */
  closing: () => boolean;
}

/**
 * fastify's reply as far as the OFREP answers use it, sending what fastify's reply.send sends
 * (fastify 5, held to it by evaluator/ofrep-fast-path.e2e.test.ts): an object as JSON, a Buffer as is, nothing with `content-length: 0`
 * except on 204 and 304; header names lower-cased, a later value replacing an earlier one.
 */
class FastReply implements ReplyLike {
  private status = 200;
  private readonly headers: Record<string, string> = {};

  constructor(readonly raw: ServerResponse) {}

  code(statusCode: number): this {
    this.status = statusCode;
    return this;
  }

  header(name: string, value: string): this {
    this.headers[name.toLowerCase()] = value;
    return this;
  }

  send(payload?: unknown): this {
    const headers = this.headers;
    let body: Buffer | string | undefined;
    if (payload === undefined || payload === null) {
      if (this.status >= 200 && this.status !== 204 && this.status !== 304) headers['content-length'] = '0';
    } else if (Buffer.isBuffer(payload)) {
      headers['content-type'] ??= 'application/octet-stream';
      body = payload;
    } else {
      headers['content-type'] ??= JSON_TYPE;
      body = JSON.stringify(payload);
    }
    if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
    this.raw.writeHead(this.status, headers);
    this.raw.end(body);
    return this;
  }
}

/** The route a request is for, or undefined when fastify must take it (anything but a plain OFREP evaluation POST). */
function routeOf(
  request: IncomingMessage,
): { route: typeof SINGLE_ROUTE | typeof BULK_ROUTE; key: string } | undefined {
  if (request.method !== 'POST') return undefined;
  const url = request.url ?? '';
  const query = url.indexOf('?');
  const path = query < 0 ? url : url.slice(0, query);
  if (path === BULK_ROUTE) return { route: BULK_ROUTE, key: '' };
  if (!path.startsWith(SINGLE_PREFIX) || path.length === SINGLE_PREFIX.length) return undefined;
  const raw = path.slice(SINGLE_PREFIX.length);
  if (raw.includes('/')) return undefined;
  try {
    return { route: SINGLE_ROUTE, key: raw.includes('%') ? decodeURIComponent(raw) : raw };
  } catch {
    return undefined;
  }
}

/**
 * Whether fastify would read this request's body the way the fast path does: no chunked body, a
 * Content-Length within the limit (fastify answers a larger one itself), and no body or a plain
 * JSON content type (fastify checks others, answering 415 for a malformed one).
 */
function plainBody(request: IncomingMessage): boolean {
  const { headers } = request;
  if (headers['transfer-encoding'] !== undefined) return false;
  const length = headers['content-length'];
  if (length !== undefined && (!DIGITS.test(length) || Number(length) > BODY_LIMIT_BYTES)) return false;
  const type = headers['content-type'];
  if (type === undefined) return length === undefined || length === '0';
  return PLAIN_JSON.test(type);
}

/**
 * The request listener in front of fastify (docs/design.md#evaluator): it answers the two OFREP
 * evaluation routes itself, through the same answers, CORS step, body parser, error answers and
 * metrics as fastify's routes, and hands every other request to fastify untouched. fastify's
 * routing, hooks and reply were most of the gap to a bare node:http server (docs/BENCHMARKS.md).
 */
export function createFastPath(options: FastPathOptions) {
  const { answers, metrics, parseBody, corsHeaders, log } = options;

  return function listen(request: IncomingMessage, response: ServerResponse, fallback: Fallback): void {
    const target = options.closing() ? undefined : routeOf(request);
    if (target === undefined || !plainBody(request)) return fallback(request, response);
    const started = performance.now();
    const timer = target.route === SINGLE_ROUTE ? 'flag' : 'bulk';
    // As fastify's onResponse: once the socket has taken the answer.
    response.once('finish', () => metrics.observeDuration(timer, (performance.now() - started) / 1000));
    const key = target.route === SINGLE_ROUTE ? target.key : undefined;
    const like: RequestLike = {
      headers: request.headers,
      url: request.url ?? '',
      routeOptions: { url: target.route },
      protocol: (request.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http',
      host: request.headers.host ?? '',
      body: undefined,
    };
    const reply = new FastReply(response);
    corsHeaders?.(like, reply);

    const fail = (error: Error) => {
      try {
        answerError(error, key, like.url, reply, log);
      } catch (failure) {
        log.error({ err: failure, url: like.url }, 'evaluator request failed');
        if (!response.headersSent) response.writeHead(500);
        response.end();
      }
    };
    const answer = (text: string) =>
      parseBody(text, (error, value) => {
        if (error) {
          // As fastify after a body it could not read: the client may still be sending.
          reply.header('connection', 'close');
          return fail(error);
        }
        like.body = value;
        try {
          if (key === undefined) answers.bulk(like, reply);
          else answers.single(like, reply, key);
        } catch (failure) {
          fail(failure as Error);
        }
      });

    const length = request.headers['content-length'];
    if (length === undefined || length === '0') {
      request.resume();
      return answer('');
    }
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.once('error', (error: Error & { statusCode?: number }) => {
      error.statusCode ??= 400;
      reply.header('connection', 'close');
      fail(error);
    });
    request.once('end', () =>
      answer(chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8')),
    );
  };
}
