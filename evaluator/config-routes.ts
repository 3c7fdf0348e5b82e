import type { FastifyInstance } from 'fastify';
import type { EvaluationContext } from '../core/engine/types.js';
import { authorize } from './authorize.js';
import type { EvaluatorMetrics } from './metrics.js';
import { answerNotLoaded } from './ofrep-routes.js';
import type { SnapshotStore } from './snapshot-store.js';

type Store = Pick<SnapshotStore, 'get' | 'findSdkKey'>;
type ScopeQuery = { tenant?: string | string[]; user?: string | string[] };

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value) || undefined;

/**
 * `GET /v1/config/{key}?tenant=…&user=…` (docs/design.md#config-resolution): the dynamic config value resolved
 * user → tenant → environment → global for the SDK key's environment. Server keys only: config values are
 * server-side data, and a client key's page gets what OFREP evaluation answers.
 */
export function registerConfigRoutes(app: FastifyInstance, store: Store, metrics: EvaluatorMetrics): void {
  app.get<{ Params: { key: string }; Querystring: ScopeQuery }>('/v1/config/:key', {
    onResponse: (_request, reply, done) => {
      metrics.observeDuration('config', reply.elapsedTime / 1000);
      done();
    },
    handler(request, reply) {
      const record = authorize(store, request, reply, 'config', { explain: '/v1/config' });
      if (!record) return reply;
      const held = store.get(record.env);
      if (!held) return answerNotLoaded(reply, record.env);
      const key = request.params.key;
      if (held.secrets.has(key)) {
        return reply.code(403).send({
          key,
          errorCode: 'FORBIDDEN',
          errorDetails: `"${key}" is a secret: it is never served on /v1/config, only on /v1/secrets to keys with the secrets scope`,
        });
      }
      const tenant = first(request.query.tenant);
      const user = first(request.query.user);
      // The key decides the environment, as on the OFREP routes.
      const context: EvaluationContext = { env: record.env };
      if (tenant) context.tenant = { id: tenant };
      if (user) {
        context.targetingKey = user;
        context.user = { id: user };
      }
      const result = held.compiled.resolveConfig(key, context);
      if (!result.ok) {
        const status = result.errorCode === 'FLAG_NOT_FOUND' ? 404 : 400;
        return reply.code(status).send({ key, errorCode: result.errorCode, errorDetails: result.errorDetails });
      }
      return reply.send({ key, value: result.value, valueType: result.valueType, scope: result.scope });
    },
  });
}
