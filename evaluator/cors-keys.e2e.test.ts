import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileSnapshot } from '../core/engine/index.js';
import type { StorageDeps } from '../storage/deps.js';
import { createLogger } from '../storage/logger.js';
import { redisKeys } from '../storage/redis-keys.js';
import { createSdkKey } from '../storage/sdk-keys.js';
import { clearRedisPrefix, createTestDatabase, testRedisPrefix, type TestDatabase } from '../test/db.js';
import { within } from '../test/redis-fixture.js';
import { createEvaluatorServer } from './server.js';
import { SnapshotStore } from './snapshot-store.js';
import { StreamTokens } from './stream-token.js';

/**
 * Origins allowed per SDK key (`switchyard key create --origin`), with no EVALUATOR_CORS_ORIGINS:
 * keys created in Postgres while the evaluator runs, which learns them by reloading its key table.
 */
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const log = createLogger('silent');
const prefix = testRedisPrefix('cors-keys');
const keys = redisKeys(prefix);
const A_ORIGIN = 'https://a.example';
const B_ORIGIN = 'https://b.example';

let db: TestDatabase;
let admin: Redis;
let deps: StorageDeps;
let store: SnapshotStore;
let app: FastifyInstance;
let base: string;
const connections: Redis[] = [];
let keyB: string;

const bulk = (sdkKey: string, origin?: string) =>
  app.inject({
    method: 'POST',
    url: '/ofrep/v1/evaluate/flags',
    headers: { authorization: `Bearer ${sdkKey}`, 'content-type': 'application/json', ...(origin ? { origin } : {}) },
    payload: { context: { targetingKey: 'u1' } },
  });
const preflight = (origin: string) =>
  app.inject({
    method: 'OPTIONS',
    url: '/ofrep/v1/evaluate/flags',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization, content-type',
    },
  });
/** The CORS header of the event stream a bulk answer for this key names, opened from `origin` as EventSource would. */
async function streamAllows(sdkKey: string, origin: string): Promise<string | null> {
  const body = (await bulk(sdkKey)).json<{ eventStreams: Array<{ url: string }> }>();
  const controller = new AbortController();
  const response = await fetch(body.eventStreams[0]!.url.replace(/^http:\/\/[^/]+/, base), {
    headers: { origin },
    signal: controller.signal,
  });
  expect(response.status).toBe(200);
  controller.abort();
  return response.headers.get('access-control-allow-origin');
}

beforeAll(async () => {
  db = await createTestDatabase();
  admin = new Redis(REDIS_URL);
  deps = { pool: db.pool, redis: admin, keys, log };
  const redis = new Redis(REDIS_URL, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  const subscriber = new Redis(REDIS_URL, { autoResubscribe: false });
  connections.push(redis, subscriber);
  // No poll: only the key-change announcement reloads the table.
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
  app = createEvaluatorServer({
    store,
    log,
    eventStreams: { source: store, tokens: new StreamTokens({ secret: 'x'.repeat(32) }) },
  });
  base = await app.listen({ port: 0, host: '127.0.0.1' });
  keyB = (await createSdkKey(deps, { env: 'production', scopes: ['flags'], name: 'server', actor: 'cli:test' })).key;
  await within(5_000, async () => (await bulk(keyB)).statusCode === 200);
});

afterAll(async () => {
  store?.stop();
  await app?.close();
  for (const connection of connections) connection.disconnect();
  await clearRedisPrefix(admin, prefix);
  admin.disconnect();
  await db?.drop();
});

describe('CORS origins per SDK key', () => {
  it('with no origin allowed anywhere, answers as without CORS: preflights 404, no CORS headers', async () => {
    expect((await preflight(A_ORIGIN)).statusCode).toBe(404);
    const answer = await bulk(keyB, A_ORIGIN);
    expect(answer.statusCode).toBe(200);
    expect(answer.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('a key created while the evaluator runs is usable from its origin within seconds, and only from it', async () => {
    const { key: keyA } = await createSdkKey(deps, {
      env: 'production',
      scopes: ['flags'],
      name: 'storefront',
      origins: [A_ORIGIN],
      actor: 'cli:test',
    });
    await within(5_000, async () => (await bulk(keyA, A_ORIGIN)).headers['access-control-allow-origin'] === A_ORIGIN);

    const fromA = await bulk(keyA, A_ORIGIN);
    expect(fromA.headers).toMatchObject({
      'access-control-allow-origin': A_ORIGIN,
      'access-control-expose-headers': 'ETag',
      vary: 'Origin',
    });
    const fromB = await bulk(keyA, B_ORIGIN);
    expect(fromB.statusCode).toBe(200);
    expect(fromB.headers['access-control-allow-origin']).toBeUndefined();
    expect(fromB.headers.vary).toBe('Origin');
    // Another key's origin is not this key's: a page of a.example cannot use the server's key.
    expect((await bulk(keyB, A_ORIGIN)).headers['access-control-allow-origin']).toBeUndefined();
    // A server-side SDK sends no Origin and gets no CORS headers.
    const server = await bulk(keyA);
    expect(server.headers['access-control-allow-origin']).toBeUndefined();
    expect(server.headers.vary).toBeUndefined();
    // Routes browsers have no business calling stay without CORS, whatever the key allows.
    const snapshot = await app.inject({
      method: 'GET',
      url: '/v1/snapshot',
      headers: { authorization: `Bearer ${keyA}`, origin: A_ORIGIN },
    });
    expect(snapshot.headers['access-control-allow-origin']).toBeUndefined();

    expect(await streamAllows(keyA, A_ORIGIN)).toBe(A_ORIGIN);
    expect(await streamAllows(keyA, B_ORIGIN)).toBeNull();
    expect(await streamAllows(keyB, A_ORIGIN)).toBeNull();
  });

  it('answers the preflight of an origin some key allows, and not of one nobody allows', async () => {
    const allowed = await preflight(A_ORIGIN);
    expect(allowed.statusCode).toBe(204);
    expect(allowed.headers).toMatchObject({
      'access-control-allow-origin': A_ORIGIN,
      'access-control-allow-methods': 'GET, POST',
      'access-control-allow-headers': 'Authorization, Content-Type, If-None-Match, Last-Event-ID',
      vary: 'Origin',
    });
    const nobody = await preflight('https://nobody.example');
    expect(nobody.headers['access-control-allow-origin']).toBeUndefined();
    expect(nobody.headers['access-control-allow-headers']).toBeUndefined();
  });
});
