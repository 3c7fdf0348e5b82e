import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileSnapshot } from '../core/engine/index.js';
import type { StorageDeps } from '../storage/deps.js';
import { createLogger } from '../storage/logger.js';
import { redisKeys } from '../storage/redis-keys.js';
import { createSdkKey } from '../storage/sdk-keys.js';
import { clearRedisPrefix, createTestDatabase, testRedisPrefix, type TestDatabase } from '../test/db.js';
import { plantSnapshot, within } from '../test/redis-fixture.js';
import { SEED_KEY, seedFlag, snapshotOf } from '../test/snapshots.js';
import { createEvaluatorServer } from './server.js';
import { SnapshotStore } from './snapshot-store.js';
import { StreamTokens } from './stream-token.js';

/**
 * The fast path (ofrep-fast-path.ts) answers exactly as fastify does: the same requests, sent over
 * HTTP to an evaluator with it and one without (`fastPath: false`), over one store, get the same
 * status, headers (but Date) and body, and move the metrics the same.
 */
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const log = createLogger('silent');
const prefix = testRedisPrefix('ofrep-fast-path');
const keys = redisKeys(prefix);
const ALLOWED = 'https://allowed.example';
const SHOP = 'https://shop.example';
const OTHER = 'https://other.example';
const BULK = '/ofrep/v1/evaluate/flags';
const SINGLE = `/ofrep/v1/evaluate/flags/${SEED_KEY}`;
const CONTEXT = JSON.stringify({ context: { targetingKey: 'u-1', user: { email: 'a@b.c' } } });

let db: TestDatabase;
let admin: Redis;
let store: SnapshotStore;
const connections: Redis[] = [];
const servers: Array<{ app: FastifyInstance; registry: Registry; port: number; viaFastify: string[] }> = [];
const sdk = { server: '', client: '', configOnly: '' };

interface Sent {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}
interface Got {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

function send(port: number, { method = 'POST', path, headers = {}, body }: Sent): Promise<Got> {
  return new Promise((resolve, reject) => {
    // One Host for both servers: bulk answers name it in their eventStreams URL.
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers: { host: 'evaluator.test', ...headers } });
    req.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const { date: _date, 'keep-alive': _keepAlive, ...rest } = response.headers;
        resolve({ status: response.statusCode ?? 0, headers: rest, body: Buffer.concat(chunks).toString('utf8') });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

const json = { 'content-type': 'application/json' };
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

/** Sends `sent` to the fast evaluator and the fastify-only one; both answers, which must be the same. */
async function both(sent: Sent): Promise<Got> {
  const [fast, slow] = [await send(servers[0]!.port, sent), await send(servers[1]!.port, sent)];
  expect(fast, `${sent.method ?? 'POST'} ${sent.path}`).toEqual(slow);
  return fast;
}

beforeAll(async () => {
  db = await createTestDatabase();
  admin = new Redis(REDIS_URL);
  const deps: StorageDeps = { pool: db.pool, redis: admin, keys, log };
  await plantSnapshot(admin, keys, snapshotOf('production', 1, [seedFlag()]));
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
  const tokens = new StreamTokens({ secret: 'p'.repeat(32) });
  for (const fastPath of [true, false]) {
    const registry = new Registry();
    const app = createEvaluatorServer({
      store,
      log,
      metricsRegistry: registry,
      corsOrigins: [ALLOWED],
      eventStreams: { source: store, tokens },
      fastPath,
    });
    const viaFastify: string[] = [];
    app.addHook('onRequest', (request, _reply, done) => {
      viaFastify.push(`${request.method} ${request.url}`);
      done();
    });
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    servers.push({ app, registry, port: Number(new URL(url).port), viaFastify });
  }
  const make = async (scopes: string[], name: string, origins?: string[]) =>
    (await createSdkKey(deps, { env: 'production', scopes, name, actor: 'cli:test', ...(origins ? { origins } : {}) }))
      .key;
  sdk.server = await make(['flags'], 'backend');
  sdk.client = await make(['flags', 'config'], 'storefront', [SHOP]);
  sdk.configOnly = await make(['config'], 'config-reader');
  await within(5_000, async () => {
    const answers = await Promise.all(
      servers.map(({ port }) => send(port, { path: SINGLE, headers: bearer(sdk.configOnly) })),
    );
    return answers.every((answer) => answer.status === 403);
  });
});

afterAll(async () => {
  for (const { app } of servers) await app.close();
  store?.stop();
  for (const connection of connections) connection.disconnect();
  await clearRedisPrefix(admin, prefix);
  admin.disconnect();
  await db?.drop();
});

describe('the OFREP fast path answers as fastify does', () => {
  it('single flag: found, unknown, odd keys, query strings, with and without a body', async () => {
    const ok = await both({ path: SINGLE, headers: { ...bearer(sdk.server), ...json }, body: CONTEXT });
    expect(ok.status).toBe(200);
    expect(
      (await both({ path: `${BULK}/nope`, headers: { ...bearer(sdk.server), ...json }, body: CONTEXT })).status,
    ).toBe(404);
    const encoded = SINGLE.replace('.v2.', '%2Ev2%2e');
    expect((await both({ path: encoded, headers: { ...bearer(sdk.server), ...json }, body: CONTEXT })).status).toBe(
      200,
    );
    const odd = `${BULK}/${encodeURIComponent('odd/key é')}`;
    expect((await both({ path: odd, headers: { ...bearer(sdk.server), ...json }, body: '{}' })).status).toBe(404);
    await both({ path: `${SINGLE}?x=1`, headers: { ...bearer(sdk.server), ...json }, body: CONTEXT });
    await both({ path: `${BULK}/%E0%A4%A`, headers: bearer(sdk.server) });
    await both({ path: SINGLE, headers: bearer(sdk.server) });
    await both({
      path: SINGLE,
      headers: { ...bearer(sdk.server), 'content-type': 'application/json; charset=utf-8' },
      body: '',
    });
  });

  it('request bodies: invalid JSON, a non-object, a bad context, too large, another content type', async () => {
    const headers = { ...bearer(sdk.server), ...json };
    for (const path of [SINGLE, BULK]) {
      expect((await both({ path, headers, body: '{"context":' })).status).toBe(400);
      expect((await both({ path, headers, body: '[1]' })).status).toBe(400);
      expect((await both({ path, headers, body: '{"context":[]}' })).status).toBe(400);
      expect((await both({ path, headers, body: '{"context":{"targetingKey":7}}' })).status).toBe(400);
      expect(
        (await both({ path, headers, body: JSON.stringify({ context: { pad: 'x'.repeat(70_000) } }) })).status,
      ).toBe(413);
      await both({ path, headers: { ...bearer(sdk.server), 'content-type': 'text/plain' }, body: CONTEXT });
      // Unauthorized and unreadable: the body is read first, as fastify does.
      await both({ path, headers: json, body: '{' });
    }
  });

  it('keys: none, unknown, without the flags scope, and a client key from its origin and another', async () => {
    for (const path of [SINGLE, BULK]) {
      expect((await both({ path, headers: json, body: CONTEXT })).status).toBe(401);
      expect((await both({ path, headers: { ...bearer('sy_nope'), ...json }, body: CONTEXT })).status).toBe(401);
      expect((await both({ path, headers: { authorization: 'Basic x' }, body: CONTEXT })).status).toBe(401);
      expect((await both({ path, headers: { ...bearer(sdk.configOnly), ...json }, body: CONTEXT })).status).toBe(403);
      for (const origin of [SHOP, OTHER, ALLOWED]) {
        const got = await both({ path, headers: { ...bearer(sdk.client), ...json, origin }, body: CONTEXT });
        expect(got.status).toBe(200);
      }
    }
    // Not OFREP: fastify's on both, the 403 of a client key outside OFREP.
    expect((await both({ method: 'GET', path: '/v1/config/region', headers: bearer(sdk.client) })).status).toBe(403);
  });

  it('CORS: preflights and actual requests from allowed and disallowed origins', async () => {
    for (const origin of [ALLOWED, SHOP, OTHER]) {
      const preflight = await both({
        method: 'OPTIONS',
        path: SINGLE,
        headers: { origin, 'access-control-request-method': 'POST' },
      });
      expect(preflight.status).toBe(204);
      for (const path of [SINGLE, BULK])
        await both({ path, headers: { ...bearer(sdk.server), ...json, origin }, body: CONTEXT });
    }
    const allowed = await both({
      path: SINGLE,
      headers: { ...bearer(sdk.server), ...json, origin: ALLOWED },
      body: CONTEXT,
    });
    expect(allowed.headers['access-control-allow-origin']).toBe(ALLOWED);
    expect((await both({ method: 'GET', path: SINGLE })).status).toBe(404);
  });

  it('bulk: the ETag, a 304 for a matching If-None-Match, 200 for another', async () => {
    const headers = { ...bearer(sdk.server), ...json };
    const first = await both({ path: BULK, headers, body: CONTEXT });
    expect(first.status).toBe(200);
    const etag = first.headers.etag!;
    for (const match of [etag, `W/${etag}`, `"x", ${etag}`, '*']) {
      expect(
        (await both({ path: BULK, headers: { ...headers, 'if-none-match': match, origin: ALLOWED }, body: CONTEXT }))
          .status,
      ).toBe(304);
    }
    expect(
      (await both({ path: BULK, headers: { ...headers, 'if-none-match': '"other"' }, body: CONTEXT })).status,
    ).toBe(200);
    await both({ path: `${BULK}?a=b`, headers });
  });

  it('answers plain OFREP evaluations without fastify, and hands it the rest', async () => {
    const fast = servers[0]!.viaFastify;
    fast.length = 0;
    const headers = { ...bearer(sdk.server), ...json };
    await both({ path: SINGLE, headers, body: CONTEXT });
    await both({ path: BULK, headers: { ...headers, origin: ALLOWED }, body: CONTEXT });
    await both({ path: BULK, headers, body: '{' });
    expect(fast).toEqual([]);
    await both({
      method: 'OPTIONS',
      path: BULK,
      headers: { origin: ALLOWED, 'access-control-request-method': 'POST' },
    });
    await both({ path: BULK, headers: { ...headers, 'content-type': 'text/plain' }, body: CONTEXT });
    expect(fast).toEqual([`OPTIONS ${BULK}`, `POST ${BULK}`]);
    expect(servers[1]!.viaFastify.length).toBeGreaterThan(5);
  });

  it('moves the same counters and latency counts', async () => {
    const moved = async (registry: Registry) =>
      (await registry.metrics())
        .split('\n')
        .filter((line) => /^switchyard_evaluations_total\{|^switchyard_evaluation_duration_seconds_count/.test(line));
    const [fast, slow] = [await moved(servers[0]!.registry), await moved(servers[1]!.registry)];
    expect(fast.length).toBeGreaterThan(3);
    expect(fast).toEqual(slow);
  });
});
