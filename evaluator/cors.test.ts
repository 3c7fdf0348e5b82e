import { afterAll, describe, expect, it } from 'vitest';
import { compileSnapshot } from '../core/engine/index.js';
import { createLogger } from '../storage/logger.js';
import { SEED_KEY, snapshotOf } from '../test/snapshots.js';
import { HeldSnapshots } from './held-snapshots.js';
import { createEvaluatorServer } from './server.js';
import type { SnapshotStore } from './snapshot-store.js';

const log = createLogger('silent');
const held = new HeldSnapshots((s) => compileSnapshot(s), log);
held.hold(snapshotOf('production', 4));
const SDK_KEY = 'sy_production_browser';
const store: Pick<SnapshotStore, 'get' | 'findSdkKey' | 'status'> = {
  get: (env) => held.get(env),
  findSdkKey: (key) =>
    key === SDK_KEY ? { id: 'k1', env: 'production', scopes: ['flags', 'config'], name: 'web' } : undefined,
  status: () => ({
    redisConnected: true,
    loaded: true,
    lastSyncAt: Date.now(),
    versions: held.versions(),
    epochs: held.epochs(),
    waitingFor: [],
  }),
};
const ALLOWED = 'https://app.example.com';
const app = createEvaluatorServer({ store, log, corsOrigins: [ALLOWED, 'http://localhost:5173'] });
const plain = createEvaluatorServer({ store, log });
afterAll(async () => {
  await app.close();
  await plain.close();
});

const preflight = (server: typeof app, origin: string, url = `/ofrep/v1/evaluate/flags/${SEED_KEY}`) =>
  server.inject({
    method: 'OPTIONS',
    url,
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization, content-type',
    },
  });
const evaluate = (server: typeof app, origin: string) =>
  server.inject({
    method: 'POST',
    url: '/ofrep/v1/evaluate/flags',
    headers: { origin, authorization: `Bearer ${SDK_KEY}`, 'content-type': 'application/json' },
    payload: { context: { targetingKey: 'u1' } },
  });

describe('browsers calling the evaluator from another origin', () => {
  it('answers an allowed origin’s preflight with what an OFREP web provider sends and reads', async () => {
    const response = await preflight(app, ALLOWED);
    expect(response.statusCode).toBe(204);
    expect(response.headers).toMatchObject({
      'access-control-allow-origin': ALLOWED,
      'access-control-allow-headers': 'Authorization, Content-Type, If-None-Match, Last-Event-ID',
      'access-control-allow-methods': 'GET, POST',
      'access-control-expose-headers': 'ETag',
      vary: 'Origin',
    });
    expect(
      (await preflight(app, ALLOWED, '/v1/config/checkout.max-items')).headers['access-control-allow-origin'],
    ).toBe(ALLOWED);
  });

  it('lets an allowed origin read the bulk answer and its ETag', async () => {
    const response = await evaluate(app, ALLOWED);
    expect(response.statusCode).toBe(200);
    expect(response.headers['access-control-allow-origin']).toBe(ALLOWED);
    expect(response.headers['access-control-expose-headers']).toBe('ETag');
    expect(response.headers.etag).toBeDefined();
  });

  it('also marks refusals for an allowed origin, so the page can see the 401', async () => {
    const response = await app.inject({
      method: 'POST',
      url: `/ofrep/v1/evaluate/flags/${SEED_KEY}`,
      headers: { origin: ALLOWED, authorization: 'Bearer wrong' },
      payload: {},
    });
    expect(response.statusCode).toBe(401);
    expect(response.headers['access-control-allow-origin']).toBe(ALLOWED);
  });

  it('gives a disallowed origin no CORS headers, on the preflight or the request', async () => {
    const refused = await preflight(app, 'https://evil.example.net');
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();
    expect(refused.headers['access-control-allow-headers']).toBeUndefined();
    const answered = await evaluate(app, 'https://evil.example.net');
    expect(answered.headers['access-control-allow-origin']).toBeUndefined();
    expect(answered.headers['access-control-expose-headers']).toBeUndefined();
  });

  it('leaves routes browsers have no business calling, and servers without configured origins, without CORS', async () => {
    const health = await app.inject({ method: 'GET', url: '/readyz', headers: { origin: ALLOWED } });
    expect(health.headers['access-control-allow-origin']).toBeUndefined();
    expect((await preflight(plain, ALLOWED)).statusCode).toBe(404);
    expect((await evaluate(plain, ALLOWED)).headers['access-control-allow-origin']).toBeUndefined();
  });
});
