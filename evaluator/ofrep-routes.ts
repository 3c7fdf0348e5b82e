import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ErrorCode, EvaluationResult } from '../core/engine/types.js';
import { authorize } from './authorize.js';
import { bulkEtag, contextHashOf } from './bulk-etag.js';
import type { EventStreams } from './event-stream.js';
import { UNKNOWN_FLAG_LABEL, type EvaluatorMetrics } from './metrics.js';
import { contextFromBody } from './request-context.js';
import type { HeldSnapshot, SnapshotStore } from './snapshot-store.js';

type Store = Pick<SnapshotStore, 'get' | 'findSdkKey'>;

/** OFREP's 400 codes; anything else the engine reports (e.g. TYPE_MISMATCH) is GENERAL on the wire. */
const OFREP_ERROR_CODES = new Set<ErrorCode>(['FLAG_NOT_FOUND', 'PARSE_ERROR', 'TARGETING_KEY_MISSING', 'INVALID_CONTEXT', 'GENERAL']);

export function answerNotLoaded(reply: FastifyReply, env: string): FastifyReply {
  return reply
    .code(503)
    .header('retry-after', '1')
    .send({ errorDetails: `the evaluator has not loaded environment "${env}" from Redis yet` });
}

/** The response item for one result; counts it, since every result served is one evaluation. */
function toItem(result: EvaluationResult, held: HeldSnapshot, metrics: EvaluatorMetrics) {
  const { env, version } = held.compiled;
  if (result.ok) {
    metrics.countEvaluation(env, result.key, result.variant, result.reason);
    return {
      key: result.key,
      value: result.value,
      variant: result.variant,
      reason: result.reason,
      metadata: { decidedBy: result.decidedBy, env, snapshotVersion: version },
    };
  }
  metrics.countEvaluation(env, held.compiled.has(result.key) ? result.key : UNKNOWN_FLAG_LABEL, '', 'ERROR');
  const errorCode = OFREP_ERROR_CODES.has(result.errorCode) ? result.errorCode : 'GENERAL';
  return { key: result.key, errorCode, errorDetails: result.errorDetails };
}

function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === etag);
}

/** OFREP evaluation (docs/design.md#evaluator): single flag for server providers, bulk with ETag for web providers. */
export function registerOfrepRoutes(app: FastifyInstance, store: Store, metrics: EvaluatorMetrics, eventStreams?: EventStreams): void {
  app.post<{ Params: { key: string } }>('/ofrep/v1/evaluate/flags/:key', {
    onResponse: (_request, reply, done) => {
      metrics.observeDuration('flag', reply.elapsedTime / 1000);
      done();
    },
    handler(request, reply) {
      const record = authorize(store, request, reply, 'flags');
      if (!record) return reply;
      const held = store.get(record.env);
      if (!held) return answerNotLoaded(reply, record.env);
      const key = request.params.key;
      const outcome = contextFromBody(request.body, record.env);
      if (!outcome.ok) return reply.code(400).send({ key, errorCode: outcome.errorCode, errorDetails: outcome.errorDetails });
      const item = toItem(held.compiled.evaluate(key, outcome.context), held, metrics);
      if ('errorCode' in item) return reply.code(item.errorCode === 'FLAG_NOT_FOUND' ? 404 : 400).send(item);
      return reply.send(item);
    },
  });

  app.post('/ofrep/v1/evaluate/flags', {
    onResponse: (_request, reply, done) => {
      metrics.observeDuration('bulk', reply.elapsedTime / 1000);
      done();
    },
    handler(request, reply) {
      const record = authorize(store, request, reply, 'flags');
      if (!record) return reply;
      const held = store.get(record.env);
      if (!held) return answerNotLoaded(reply, record.env);
      const outcome = contextFromBody(request.body, record.env);
      if (!outcome.ok) return reply.code(400).send({ errorCode: outcome.errorCode, errorDetails: outcome.errorDetails });
      // Same environment, snapshot and context give the same answers, so the ETag is decided
      // before evaluating and a 304 costs no evaluation.
      const contextHash = contextHashOf(outcome.context);
      const etag = bulkEtag(held, contextHash);
      reply.header('etag', etag);
      if (etagMatches(request.headers['if-none-match'], etag)) return reply.code(304).send();
      const flags = held.compiled.evaluateAll(outcome.context).map((result) => toItem(result, held, metrics));
      const metadata = { env: held.compiled.env, snapshotVersion: held.compiled.version };
      if (!eventStreams) return reply.send({ flags, metadata });
      return reply.send({ flags, eventStreams: eventStreams.entriesFor(request, record, contextHash), metadata });
    },
  });
}
