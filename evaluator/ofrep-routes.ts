import type { FastifyInstance } from 'fastify';
import { AnswerBuffers } from './answer-buffers.js';
import { authorize } from './authorize.js';
import { bulkEtag, contextHashOf } from './bulk-etag.js';
import type { EventStreams } from './event-stream.js';
import type { ReplyLike, RequestLike } from './http-like.js';
import type { EvaluatorMetrics } from './metrics.js';
import { createItemWriter } from './ofrep-items.js';
import { contextFromBody } from './request-context.js';
import type { SnapshotStore } from './snapshot-store.js';

/** What fastify itself sends JSON as; the routes below write their JSON themselves. */
const JSON_TYPE = 'application/json; charset=utf-8';

type Store = Pick<SnapshotStore, 'get' | 'findSdkKey'>;

export function answerNotLoaded<R extends ReplyLike>(reply: R, env: string): R {
  reply
    .code(503)
    .header('retry-after', '1')
    .send({ errorDetails: `the evaluator has not loaded environment "${env}" from Redis yet` });
  return reply;
}

function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === etag);
}

/** The declared paths of the two evaluation routes: what authorize and CORS match a request on. */
export const SINGLE_ROUTE = '/ofrep/v1/evaluate/flags/:key';
export const BULK_ROUTE = '/ofrep/v1/evaluate/flags';

/**
 * OFREP evaluation answers (docs/design.md#evaluator), once for both ways a request arrives:
 * fastify's routes below and the fast path in front of fastify (ofrep-fast-path.ts).
 */
export function createOfrepAnswers(store: Store, metrics: EvaluatorMetrics, eventStreams?: EventStreams) {
  const items = createItemWriter(metrics);
  const buffers = new AnswerBuffers();
  const take = (length: number) => buffers.take(length);
  return {
    single(request: RequestLike, reply: ReplyLike, key: string): void {
      const record = authorize(store, request, reply, 'flags');
      if (!record) return;
      const held = store.get(record.env);
      if (!held) return void answerNotLoaded(reply, record.env);
      const outcome = contextFromBody(request.body, record.env);
      if (!outcome.ok)
        return void reply.code(400).send({ key, errorCode: outcome.errorCode, errorDetails: outcome.errorDetails });
      const item = items.item(held.compiled.evaluate(key, outcome.context), held.compiled);
      if ('errorCode' in item) return void reply.code(item.errorCode === 'FLAG_NOT_FOUND' ? 404 : 400).send(item);
      reply.header('content-type', JSON_TYPE).send(item.bytes);
    },

    bulk(request: RequestLike, reply: ReplyLike): void {
      const record = authorize(store, request, reply, 'flags');
      if (!record) return;
      const held = store.get(record.env);
      if (!held) return void answerNotLoaded(reply, record.env);
      const outcome = contextFromBody(request.body, record.env);
      if (!outcome.ok)
        return void reply.code(400).send({ errorCode: outcome.errorCode, errorDetails: outcome.errorDetails });
      // Same environment, snapshot and context give the same answers, so the ETag is decided
      // before evaluating and a 304 costs no evaluation.
      const contextHash = contextHashOf(outcome.context);
      const etag = bulkEtag(held, contextHash);
      reply.header('etag', etag);
      if (etagMatches(request.headers['if-none-match'], etag)) return void reply.code(304).send();
      // Written as bytes here, not by fastify: items are mostly precomputed fragments (ofrep-items.ts).
      const metadata = JSON.stringify({ env: held.compiled.env, snapshotVersion: held.compiled.version });
      const streams = eventStreams
        ? `"eventStreams":${JSON.stringify(eventStreams.entriesFor(request, record, contextHash))},`
        : '';
      const body = items.items(
        held.compiled.evaluateAll(outcome.context),
        held.compiled,
        '{"flags":',
        `,${streams}"metadata":${metadata}}`,
        take,
      );
      // 'finish': the socket has taken every byte, so the buffer is free for the next answer.
      reply.raw.once('finish', () => buffers.give(body));
      reply.header('content-type', JSON_TYPE).send(body);
    },
  };
}

export type OfrepAnswers = ReturnType<typeof createOfrepAnswers>;

/** OFREP evaluation routes: single flag for server providers, bulk with ETag for web providers. */
export function registerOfrepRoutes(app: FastifyInstance, answers: OfrepAnswers, metrics: EvaluatorMetrics): void {
  app.post<{ Params: { key: string } }>(SINGLE_ROUTE, {
    onResponse: (_request, reply, done) => {
      metrics.observeDuration('flag', reply.elapsedTime / 1000);
      done();
    },
    handler(request, reply) {
      answers.single(request, reply, request.params.key);
      return reply;
    },
  });

  app.post(BULK_ROUTE, {
    onResponse: (_request, reply, done) => {
      metrics.observeDuration('bulk', reply.elapsedTime / 1000);
      done();
    },
    handler(request, reply) {
      answers.bulk(request, reply);
      return reply;
    },
  });
}
