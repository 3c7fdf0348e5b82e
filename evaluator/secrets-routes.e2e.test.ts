import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileSnapshot } from '../core/engine/index.js';
import { configEntrySchema } from '../core/model/config-entry.js';
import { sealSecret } from '../core/secrets/envelope.js';
import { keyRing, masterKeyId } from '../core/secrets/keyring.js';
import { createLogger } from '../storage/logger.js';
import { redisKeys } from '../storage/redis-keys.js';
import { clearRedisPrefix, testRedisPrefix } from '../test/db.js';
import { plantSdkKey, plantSnapshot } from '../test/redis-fixture.js';
import { snapshotOf } from '../test/snapshots.js';
import { registerSecretsRoutes } from './secrets-routes.js';
import { createEvaluatorServer } from './server.js';
import { SnapshotStore } from './snapshot-store.js';

/**
 * `/v1/secrets` over envelopes as a database writer could leave them: one sealed where it is,
 * one copied from another secret. Planted straight into Redis, past every check on the write path.
 */
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const log = createLogger('silent');
const prefix = testRedisPrefix('secrets-routes');
const keys = redisKeys(prefix);
const master = randomBytes(32);

const apiKey = sealSecret(master, 'sk-live-api', { key: 'payments.api-key', env: 'production' });
const secret = (key: string, envelope: unknown) =>
  configEntrySchema.parse({ key, valueType: 'string', secret: true, scopes: [{ env: 'production', value: envelope }] });

let admin: Redis;
let store: SnapshotStore;
let app: FastifyInstance;
let secretsKey: string;
let flagsKey: string;
const connections: Redis[] = [];

beforeAll(async () => {
  admin = new Redis(REDIS_URL);
  await plantSnapshot(
    admin,
    keys,
    snapshotOf('production', 1, [], {
      'payments.api-key': secret('payments.api-key', apiKey),
      // The api key's envelope, copied into another secret.
      'payments.webhook-secret': secret('payments.webhook-secret', apiKey),
    }),
  );
  secretsKey = await plantSdkKey(admin, keys, { env: 'production', scopes: ['secrets'] });
  flagsKey = await plantSdkKey(admin, keys, { env: 'production', scopes: ['flags'] });
  const redis = new Redis(REDIS_URL, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  const subscriber = new Redis(REDIS_URL, { autoResubscribe: false });
  connections.push(redis, subscriber);
  store = new SnapshotStore({
    redis,
    subscriber,
    keys,
    compile: (s) => compileSnapshot(s),
    log,
    environments: ['production'],
    pollIntervalMs: 0,
  });
  await store.start();
  app = createEvaluatorServer({ store, log });
  registerSecretsRoutes(app, { store, keyRing: keyRing([master]), log });
});

afterAll(async () => {
  await app?.close();
  store?.stop();
  for (const connection of connections) connection.disconnect();
  await clearRedisPrefix(admin, prefix);
  admin.disconnect();
});

const read = (sdkKey: string, key: string) =>
  app.inject({ method: 'GET', url: `/v1/secrets/${key}`, headers: { authorization: `Bearer ${sdkKey}` } });

describe('/v1/secrets', () => {
  it('serves a secret whose envelope is where it was sealed', async () => {
    const response = await read(secretsKey, 'payments.api-key');
    expect([response.statusCode, response.json()]).toEqual([200, { key: 'payments.api-key', value: 'sk-live-api' }]);
  });

  it('refuses an envelope copied from another secret, naming where it was found and what it was sealed for', async () => {
    const response = await read(secretsKey, 'payments.webhook-secret');
    expect(response.statusCode).toBe(500);
    expect(response.json().errorDetails).toBe(
      'secret "payments.webhook-secret" could not be decrypted: the envelope found at secret payments.webhook-secret (env production) was sealed for secret payments.api-key (env production): ' +
        'an envelope copied from another secret or scope does not open; set this secret again (/config secret set in Slack, or switchyard import with SECRETS_MASTER_KEY set)',
    );
    expect(response.body).not.toContain('sk-live-api');
  });

  it('answers a key without the secrets scope with a 403 naming the missing scope', async () => {
    const response = await read(flagsKey, 'payments.api-key');
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({
      errorCode: 'FORBIDDEN',
      missingScope: 'secrets',
      errorDetails: expect.stringContaining('--scopes secrets'),
    });
  });
});

describe('/v1/secrets with a key ring', () => {
  const newer = randomBytes(32);
  const withRing = async (ring: ReturnType<typeof keyRing>) => {
    const rotated = createEvaluatorServer({ store, log });
    registerSecretsRoutes(rotated, { store, keyRing: ring, log });
    const response = await rotated.inject({
      method: 'GET',
      url: '/v1/secrets/payments.api-key',
      headers: { authorization: `Bearer ${secretsKey}` },
    });
    await rotated.close();
    return response;
  };

  it('opens an envelope sealed with an older key of the ring [new, old]', async () => {
    const response = await withRing(keyRing([newer, master]));
    expect([response.statusCode, response.json()]).toEqual([200, { key: 'payments.api-key', value: 'sk-live-api' }]);
  });

  it('names the fingerprint of a key the ring lacks, and no key material', async () => {
    const response = await withRing(keyRing([newer]));
    expect(response.statusCode).toBe(500);
    expect(response.json().errorDetails).toBe(
      `secret "payments.api-key" could not be decrypted: this secret was sealed with another master key (${masterKeyId(master)}), ` +
        `which the key ring lacks (it holds ${masterKeyId(newer)}): add that key to SECRETS_MASTER_KEYS after the current one`,
    );
    for (const key of [master, newer]) {
      expect(response.body).not.toContain(key.toString('base64'));
      expect(response.body).not.toContain(key.toString('hex'));
    }
  });
});
