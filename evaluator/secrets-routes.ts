import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { Logger } from '../core/logger.js';
import type { ConfigEntry } from '../core/model/config-entry.js';
import { openSecret } from '../core/secrets/envelope.js';
import type { EnvSnapshot } from '../core/snapshot.js';
import type { RedisKeys } from '../storage/redis-keys.js';
import { authorize } from './authorize.js';
import type { SnapshotStore } from './snapshot-store.js';

export interface SecretsRouteOptions {
  store: Pick<SnapshotStore, 'get' | 'findSdkKey' | 'status'>;
  redis: Pick<Redis, 'get'>;
  keys: RedisKeys;
  /** SECRETS_MASTER_KEY decoded; without it the route answers 503 saying so. */
  masterKey: Buffer | undefined;
  log: Logger;
}

type Held = { version: number; secrets: Map<string, ConfigEntry> };

/**
 * `GET /v1/secrets/{key}` (SPEC §8), for SDK keys with the `secrets` scope only. Secret entries
 * (envelopes) are read from the environment's Redis snapshot when the store reports a new
 * version and kept in memory; the clear value exists only in the response.
 * The environment's value wins over the global one; tenant/user scopes do not apply to secrets.
 */
export function registerSecretsRoutes(app: FastifyInstance, options: SecretsRouteOptions): void {
  const { store, redis, keys, masterKey, log } = options;
  const held = new Map<string, Held>();

  async function secretsOf(env: string): Promise<Map<string, ConfigEntry> | undefined> {
    const version = store.status().versions[env];
    const cached = held.get(env);
    if (cached && cached.version === version) return cached.secrets;
    try {
      const raw = await redis.get(keys.snapshot(env));
      if (!raw) return cached?.secrets;
      const snapshot = JSON.parse(raw) as EnvSnapshot;
      const secrets = new Map(Object.values(snapshot.configs ?? {}).filter((c) => c.secret).map((c) => [c.key, c]));
      held.set(env, { version: snapshot.version, secrets });
      return secrets;
    } catch (err) {
      // Redis away: the secrets read last time still answer.
      log.warn({ err: err instanceof Error ? err.message : String(err), env }, 'secrets: snapshot not readable, serving the last one read');
      return cached?.secrets;
    }
  }

  app.get<{ Params: { key: string } }>('/v1/secrets/:key', async (request, reply) => {
    const record = authorize(store, request, reply, 'secrets');
    if (!record) return reply;
    const key = request.params.key;
    if (!masterKey) return reply.code(503).send({ key, errorCode: 'GENERAL', errorDetails: 'secrets are not enabled on this evaluator: SECRETS_MASTER_KEY is not set' });
    const secrets = await secretsOf(record.env);
    if (!secrets) return reply.code(503).send({ key, errorCode: 'GENERAL', errorDetails: `environment ${record.env} is not loaded yet` });
    const entry = secrets.get(key);
    const envelope = entry?.scopes.find((s) => s.env === record.env && !s.tenant && !s.user)?.value ?? entry?.value;
    if (!entry || envelope === undefined) return reply.code(404).send({ key, errorCode: 'FLAG_NOT_FOUND', errorDetails: `no secret "${key}" in ${record.env}` });
    try {
      const value = openSecret(masterKey, envelope);
      return reply.header('cache-control', 'no-store').send({ key, value });
    } catch (err) {
      log.error({ key, env: record.env, err: err instanceof Error ? err.message : String(err) }, 'secret could not be decrypted');
      return reply.code(500).send({ errorDetails: `secret "${key}" could not be decrypted (is SECRETS_MASTER_KEY the one it was sealed with?)` });
    }
  });
}
