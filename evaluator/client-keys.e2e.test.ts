import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSettings } from '../cli/settings.js';
import { configEntrySchema } from '../core/model/config-entry.js';
import { sealSecret } from '../core/secrets/envelope.js';
import type { StorageDeps } from '../storage/deps.js';
import { createLogger } from '../storage/logger.js';
import { redisKeys } from '../storage/redis-keys.js';
import { listSdkKeys } from '../storage/sdk-key-list.js';
import { createSdkKey, rotateSdkKey } from '../storage/sdk-keys.js';
import { clearRedisPrefix, createTestDatabase, testRedisPrefix, type TestDatabase } from '../test/db.js';
import { plantSnapshot, within } from '../test/redis-fixture.js';
import { SEED_KEY, snapshotOf } from '../test/snapshots.js';
import { startEvaluator, type RunningEvaluator } from './server.js';

/**
 * Server keys and client keys (docs/design.md#evaluator), from the outside: keys created and rotated
 * in Postgres, published to Redis, and used over HTTP against the evaluator as `switchyard evaluator`
 * runs it, which learns them from its key table. A client key (created with origins) evaluates over
 * OFREP and nothing else.
 */
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const log = createLogger('silent');
const prefix = testRedisPrefix('client-keys');
const keys = redisKeys(prefix);
const master = randomBytes(32);
const SHOP = 'https://shop.example';
const ALL_SCOPES = ['flags', 'config', 'secrets'];

let db: TestDatabase;
let admin: Redis;
let deps: StorageDeps;
let evaluator: RunningEvaluator;
let base: string;
let server: { id: string; key: string };
let client: { id: string; key: string };

const get = (sdkKey: string, path: string, origin?: string) =>
  fetch(`${base}${path}`, { headers: { authorization: `Bearer ${sdkKey}`, ...(origin ? { origin } : {}) } });
const evaluate = (sdkKey: string, flag?: string) =>
  fetch(`${base}/ofrep/v1/evaluate/flags${flag ? `/${flag}` : ''}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${sdkKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ context: { targetingKey: 'u1' } }),
  });
const SERVER_SIDE = ['/v1/snapshot', '/v1/config/region', '/v1/secrets/payments.api-key'];

beforeAll(async () => {
  db = await createTestDatabase();
  admin = new Redis(REDIS_URL);
  deps = { pool: db.pool, redis: admin, keys, log };
  await plantSnapshot(
    admin,
    keys,
    snapshotOf('production', 1, undefined, {
      region: configEntrySchema.parse({ key: 'region', valueType: 'string', value: 'eu-west' }),
      'payments.api-key': configEntrySchema.parse({
        key: 'payments.api-key',
        valueType: 'string',
        secret: true,
        scopes: [
          { env: 'production', value: sealSecret(master, 'sk-live', { key: 'payments.api-key', env: 'production' }) },
        ],
      }),
    }),
  );
  const parsed = parseSettings({
    REDIS_URL,
    REDIS_PREFIX: prefix,
    EVALUATOR_PORT: '0',
    EVALUATOR_HOST: '127.0.0.1',
    ENVIRONMENTS: 'production',
    LOG_LEVEL: 'silent',
    SECRETS_MASTER_KEY: master.toString('base64'),
  });
  if (!parsed.ok) throw new Error(parsed.message);
  evaluator = await startEvaluator(parsed.settings, { log });
  await evaluator.loaded;
  base = evaluator.url;
  // Every scope on both: what tells them apart is the origins alone.
  const s = await createSdkKey(deps, { env: 'production', scopes: ALL_SCOPES, name: 'backend', actor: 'cli:test' });
  const c = await createSdkKey(deps, {
    env: 'production',
    scopes: ALL_SCOPES,
    name: 'storefront',
    origins: [SHOP],
    actor: 'cli:test',
  });
  server = { id: s.record.id, key: s.key };
  client = { id: c.record.id, key: c.key };
  await within(5_000, async () => (await evaluate(client.key)).status === 200);
});

afterAll(async () => {
  await evaluator?.close();
  await clearRedisPrefix(admin, prefix);
  admin.disconnect();
  await db?.drop();
});

describe('a client key (bound to browser origins)', () => {
  it('gets a 403 on the snapshot, config and secrets routes, whose JSON body says why and reveals nothing', async () => {
    for (const path of SERVER_SIDE) {
      const response = await get(client.key, path);
      expect(response.status, path).toBe(403);
      const body = await response.text();
      expect(JSON.parse(body), path).toEqual({
        errorCode: 'FORBIDDEN',
        keyKind: 'client',
        errorDetails: expect.stringMatching(
          new RegExp(
            `^a client key \\(bound to browser origins\\) may only evaluate flags over OFREP; use a server key for /v1/(snapshot|config|secrets): SDK key ${client.id} \\("storefront"\\) is bound to ${SHOP}; `,
          ),
        ),
      });
      for (const leak of [SEED_KEY, 'eu-west', 'sk-live', 'rules']) expect(body, path).not.toContain(leak);
    }
  });

  it('gets its refusal with CORS headers when its page asks from its origin, so the page can read why', async () => {
    const response = await get(client.key, '/v1/config/region', SHOP);
    expect(response.status).toBe(403);
    expect(response.headers.get('access-control-allow-origin')).toBe(SHOP);
  });

  it('evaluates flags over OFREP, single and bulk, and opens the bulk answer’s event stream', async () => {
    const single = await evaluate(client.key, SEED_KEY);
    expect(single.status).toBe(200);
    expect(await single.json()).toMatchObject({ key: SEED_KEY, reason: expect.any(String) });
    const bulk = await evaluate(client.key);
    expect(bulk.status).toBe(200);
    const body = (await bulk.json()) as { flags: Array<{ key: string }>; eventStreams: Array<{ url: string }> };
    expect(body.flags.map((f) => f.key)).toContain(SEED_KEY);
    const controller = new AbortController();
    const stream = await fetch(body.eventStreams[0]!.url, { signal: controller.signal });
    expect(stream.status).toBe(200);
    controller.abort();
  });
});

describe('a server key (no origins)', () => {
  it('still reads the snapshot, config and secrets', async () => {
    const snapshot = await get(server.key, '/v1/snapshot');
    expect(snapshot.status).toBe(200);
    expect(Object.keys(((await snapshot.json()) as { flags: object }).flags)).toEqual([SEED_KEY]);
    expect(await (await get(server.key, '/v1/config/region')).json()).toMatchObject({ value: 'eu-west' });
    expect(await (await get(server.key, '/v1/secrets/payments.api-key')).json()).toEqual({
      key: 'payments.api-key',
      value: 'sk-live',
    });
    expect((await evaluate(server.key, SEED_KEY)).status).toBe(200);
  });
});

describe('the kind of a key', () => {
  it('survives a rotation, on the evaluator and in key list', async () => {
    const rotatedClient = await rotateSdkKey(deps, { id: client.id, actor: 'cli:test', graceMs: 60_000 });
    const rotatedServer = await rotateSdkKey(deps, { id: server.id, actor: 'cli:test', graceMs: 60_000 });
    await within(5_000, async () => (await evaluate(rotatedClient.key)).status === 200);
    await within(5_000, async () => (await evaluate(rotatedServer.key)).status === 200);
    for (const path of SERVER_SIDE) expect((await get(rotatedClient.key, path)).status, path).toBe(403);
    // The old client key, in its grace period, is still a client key too.
    expect((await get(client.key, '/v1/snapshot')).status).toBe(403);
    expect((await get(rotatedServer.key, '/v1/snapshot')).status).toBe(200);

    const kinds = Object.fromEntries((await listSdkKeys(db.pool)).map((row) => [row.id, row.kind]));
    expect(kinds).toEqual({
      [server.id]: 'server',
      [client.id]: 'client',
      [rotatedServer.record.id]: 'server',
      [rotatedClient.record.id]: 'client',
    });
  });
});
