import type { FastifyInstance } from 'fastify';
import type { Logger } from '../core/logger.js';
import type { ConfigEntry } from '../core/model/config-entry.js';
import { ValidationError } from '../core/errors.js';
import { isSecretEnvelope, openSecret } from '../core/secrets/envelope.js';
import type { MasterKeyRing } from '../core/secrets/keyring.js';
import { authorize } from './authorize.js';
import type { SnapshotStore } from './snapshot-store.js';

export interface SecretsRouteOptions {
  store: Pick<SnapshotStore, 'get' | 'findSdkKey' | 'status'>;
  /** The master key ring (SECRETS_MASTER_KEYS or SECRETS_MASTER_KEY); without one the route answers 503 saying so. */
  keyRing: MasterKeyRing | undefined;
  log: Logger;
}

/**
 * `GET /v1/secrets/{key}` (docs/design.md#secrets-at-rest), for SDK keys with the `secrets` scope only. Secret entries
 * (envelopes) come from the snapshot the store holds in memory, so a request never reads Redis;
 * the clear value exists only in the response.
 * The environment's value wins over the global one; tenant/user scopes do not apply to secrets.
 */
export function registerSecretsRoutes(app: FastifyInstance, options: SecretsRouteOptions): void {
  const { store, keyRing, log } = options;

  /** The environment's secret entries as held (undefined until the environment is loaded). */
  async function secretsOf(env: string): Promise<ReadonlyMap<string, ConfigEntry> | undefined> {
    return store.get(env)?.secrets;
  }

  app.get<{ Params: { key: string } }>('/v1/secrets/:key', async (request, reply) => {
    const record = authorize(store, request, reply, 'secrets', { explain: '/v1/secrets' });
    if (!record) return reply;
    const key = request.params.key;
    if (!keyRing)
      return reply.code(503).send({
        key,
        errorCode: 'GENERAL',
        errorDetails:
          'secrets are not enabled on this evaluator: SECRETS_MASTER_KEY is not set (nor SECRETS_MASTER_KEYS)',
      });
    const secrets = await secretsOf(record.env);
    if (!secrets)
      return reply
        .code(503)
        .send({ key, errorCode: 'GENERAL', errorDetails: `environment ${record.env} is not loaded yet` });
    const entry = secrets.get(key);
    const envValue = entry?.scopes.find((s) => s.env === record.env && !s.tenant && !s.user)?.value;
    const envelope = envValue ?? entry?.value;
    // The place the envelope was found at: it opens only if it was sealed for that place.
    const place = envValue === undefined ? { key } : { key, env: record.env };
    if (!entry || envelope === undefined)
      return reply
        .code(404)
        .send({ key, errorCode: 'FLAG_NOT_FOUND', errorDetails: `no secret "${key}" in ${record.env}` });
    // Two different faults, two different fixes: a value written in clear (before storage refused
    // that) is re-sealed; an envelope that does not open points at the key. Neither names the value.
    if (!isSecretEnvelope(envelope)) {
      log.error({ key, env: record.env }, 'secret: the stored value is not a sealed envelope');
      return reply.code(500).send({
        key,
        errorCode: 'GENERAL',
        errorDetails: `the stored value of secret "${key}" in ${record.env} is not a sealed envelope: set it again (switchyard import with SECRETS_MASTER_KEY set, or /config secret set in Slack)`,
      });
    }
    try {
      // Any key of the ring opens it: envelopes sealed before a rotation keep opening until re-wrapped.
      const value = openSecret(keyRing, envelope, place);
      return reply.header('cache-control', 'no-store').send({ key, value });
    } catch (err) {
      // openSecret's messages name the master key's fingerprint or the places involved (moved, altered), never the value or a key.
      const why = err instanceof ValidationError ? err.message : 'decryption failed';
      log.error({ key, env: record.env, err: why }, 'secret could not be decrypted');
      return reply
        .code(500)
        .send({ key, errorCode: 'GENERAL', errorDetails: `secret "${key}" could not be decrypted: ${why}` });
    }
  });
}
