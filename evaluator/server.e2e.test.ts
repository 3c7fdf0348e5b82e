import type { FastifyInstance } from 'fastify';
import { OpenFeature } from '@openfeature/server-sdk';
import { OFREPProvider } from '@openfeature/ofrep-provider';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileSnapshot, flagEvaluatorOf } from '../core/engine/index.js';
import { createLogger } from '../storage/logger.js';
import { configEntrySchema } from '../core/model/config-entry.js';
import { redisKeys } from '../storage/redis-keys.js';
import { clearRedisPrefix, testRedisPrefix } from '../test/db.js';
import { plantDelta, plantSdkKey, plantSnapshot, trimFeed, within } from '../test/redis-fixture.js';
import { flag, seedFlag, snapshotOf } from '../test/snapshots.js';
import { createEvaluatorServer } from './server.js';
import { SnapshotStore } from './snapshot-store.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const log = createLogger('silent');
const prefix = testRedisPrefix('evaluator-server');
const keys = redisKeys(prefix);
const seed = seedFlag();
const SEED = seed.key;

const checkoutLimit = configEntrySchema.parse({
  key: 'checkout.max-items',
  valueType: 'int',
  value: 50,
  scopes: [
    { env: 'production', value: 80 },
    { tenant: 'acme', value: 200 },
    { user: 'u-vip', value: 500 },
  ],
});
const apiSecret = configEntrySchema.parse({
  key: 'payments.api-key',
  valueType: 'string',
  secret: true,
  value: 'envelope:abc',
});
const banner = flag({
  key: 'ui.banner',
  kind: 'ops',
  description: 'Banner shown on the home page',
  owner: 'team-web',
  default: 'off',
  variations: [
    { id: 'off', value: 'none' },
    { id: 'sale', value: 'spring-sale' },
  ],
});

let admin: Redis;
const connections: Redis[] = [];
let store: SnapshotStore;
let app: FastifyInstance;
let prodKey: string;
let devKey: string;
let configOnlyKey: string;

function startStore(): SnapshotStore {
  const redis = new Redis(REDIS_URL, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  const subscriber = new Redis(REDIS_URL, { autoResubscribe: false });
  connections.push(redis, subscriber);
  return new SnapshotStore({
    redis,
    subscriber,
    keys,
    compile: (s) => compileSnapshot(s),
    log,
    environments: ['production', 'dev'],
    pollIntervalMs: 0,
  });
}

function evaluate(
  sdkKey: string | undefined,
  flagKey: string,
  body: unknown,
  headers: Record<string, string> = {},
  target = app,
) {
  return target.inject({
    method: 'POST',
    url: `/ofrep/v1/evaluate/flags/${flagKey}`,
    headers: {
      ...(sdkKey ? { authorization: `Bearer ${sdkKey}` } : {}),
      'content-type': 'application/json',
      ...headers,
    },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

function bulk(sdkKey: string, body: unknown, headers: Record<string, string> = {}) {
  return app.inject({
    method: 'POST',
    url: '/ofrep/v1/evaluate/flags',
    headers: { authorization: `Bearer ${sdkKey}`, 'content-type': 'application/json', ...headers },
    payload: JSON.stringify(body),
  });
}

beforeAll(async () => {
  admin = new Redis(REDIS_URL);
  await plantSnapshot(
    admin,
    keys,
    snapshotOf('production', 1, [seed, banner], { [checkoutLimit.key]: checkoutLimit, [apiSecret.key]: apiSecret }),
  );
  await plantSnapshot(admin, keys, snapshotOf('dev', 1, [seed]));
  prodKey = await plantSdkKey(admin, keys, { env: 'production', scopes: ['flags', 'config'] });
  devKey = await plantSdkKey(admin, keys, { env: 'dev', scopes: ['flags'] });
  configOnlyKey = await plantSdkKey(admin, keys, { env: 'production', scopes: ['config'] });
  store = startStore();
  await store.start();
  app = createEvaluatorServer({ store, log });
});

afterAll(async () => {
  await app?.close();
  store?.stop();
  for (const connection of connections) connection.disconnect();
  await clearRedisPrefix(admin, prefix);
  admin.disconnect();
});

describe('OFREP single flag evaluation', () => {
  it('serves the seed flag to a @companyos.io user in production as rust_engine', async () => {
    const response = await evaluate(prodKey, SEED, {
      context: { targetingKey: 'u1', user: { email: 'ada@companyos.io' } },
    });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({ key: SEED, value: true, variant: 'rust_engine', reason: 'TARGETING_MATCH' });
    expect(body.metadata).toMatchObject({ env: 'production', snapshotVersion: 1 });
    for (const value of Object.values(body.metadata)) expect(['boolean', 'string', 'number']).toContain(typeof value);
  });

  it('answers 401 without a body when the bearer key is missing or unknown', async () => {
    for (const key of [undefined, 'sy_not_a_key']) {
      const response = await evaluate(key, SEED, { context: {} });
      expect(response.statusCode).toBe(401);
      expect(response.body).toBe('');
    }
  });

  it('answers 403 without a body to a key without the flags scope', async () => {
    const response = await evaluate(configOnlyKey, SEED, { context: {} });
    expect(response.statusCode).toBe(403);
    expect(response.body).toBe('');
  });

  it('evaluates in the key’s environment even when the client claims another', async () => {
    const context = { context: { targetingKey: 'user-7', env: 'production', user: { email: 'bob@example.com' } } };
    const dev = (await evaluate(devKey, SEED, context)).json();
    expect(dev).toMatchObject({ value: false, variant: 'legacy', reason: 'DEFAULT' });
    expect(dev.metadata.env).toBe('dev');
    const production = (await evaluate(prodKey, SEED, context)).json();
    expect(production.reason).toBe('SPLIT');
  });

  it('evaluates with an empty context when the body is empty', async () => {
    const response = await app.inject({
      method: 'POST',
      url: `/ofrep/v1/evaluate/flags/${SEED}`,
      headers: { authorization: `Bearer ${devKey}` },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ value: false, reason: 'DEFAULT' });
  });

  it('reads a JSON body whatever its content type (curl -d sends a form type)', async () => {
    const response = await evaluate(
      prodKey,
      SEED,
      { context: { user: { email: 'x@companyos.io' } } },
      { 'content-type': 'application/x-www-form-urlencoded' },
    );
    expect(response.statusCode).toBe(200);
    expect(response.json().variant).toBe('rust_engine');
  });

  it('answers 404 FLAG_NOT_FOUND for a flag the environment does not have', async () => {
    const response = await evaluate(prodKey, 'no.such.flag', { context: { targetingKey: 'u1' } });
    expect(response.statusCode).toBe(404);
    const body = response.json();
    expect(body).toMatchObject({ key: 'no.such.flag', errorCode: 'FLAG_NOT_FOUND' });
    expect(body.errorDetails).toContain('no.such.flag');
  });

  it('answers 400 PARSE_ERROR for a malformed JSON body', async () => {
    const response = await evaluate(prodKey, SEED, '{"context": {"targetingKey": ');
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ key: SEED, errorCode: 'PARSE_ERROR' });
    expect(response.json().errorDetails).toMatch(/not valid JSON/);
  });

  it('answers 400 INVALID_CONTEXT when the context is not an object', async () => {
    const response = await evaluate(prodKey, SEED, { context: ['targetingKey', 'u1'] });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ key: SEED, errorCode: 'INVALID_CONTEXT' });
    expect(response.json().errorDetails).toContain('array');
    const numericKey = await evaluate(prodKey, SEED, { context: { targetingKey: 42 } });
    expect(numericKey.json()).toMatchObject({ errorCode: 'INVALID_CONTEXT' });
    expect(numericKey.json().errorDetails).toContain('targetingKey');
  });

  it('answers 413 with a JSON error for a body over 64 KiB', async () => {
    const response = await evaluate(prodKey, SEED, { context: { targetingKey: 'u1', padding: 'x'.repeat(70_000) } });
    expect(response.statusCode).toBe(413);
    expect(response.json().errorDetails).toContain('65536 bytes');
  });

  it('answers 400 TARGETING_KEY_MISSING when a split needs a targeting key', async () => {
    const response = await evaluate(prodKey, SEED, { context: { user: { email: 'eve@example.com' } } });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ key: SEED, errorCode: 'TARGETING_KEY_MISSING' });
  });
});

describe('OFREP bulk evaluation', () => {
  it('evaluates every flag with an ETag, and answers 304 while nothing changed', async () => {
    const context = { context: { targetingKey: 'u1', user: { email: 'ada@companyos.io' } } };
    const first = await bulk(prodKey, context);
    expect(first.statusCode).toBe(200);
    const { flags } = first.json();
    expect(flags).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ key: SEED, value: true, variant: 'rust_engine' }),
        // Nothing in production can vary the banner (no rules, overrides or rollout): STATIC, not DEFAULT.
        expect.objectContaining({ key: 'ui.banner', value: 'none', reason: 'STATIC' }),
      ]),
    );
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^".+"$/);

    const again = await bulk(prodKey, context, { 'if-none-match': etag });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');

    const otherContext = await bulk(prodKey, { context: { targetingKey: 'u2' } }, { 'if-none-match': etag });
    expect(otherContext.statusCode).toBe(200);
    expect(otherContext.headers.etag).not.toBe(etag);
  });

  it('reports a flag that cannot be evaluated as an item, not as an HTTP error', async () => {
    const response = await bulk(prodKey, { context: {} });
    expect(response.statusCode).toBe(200);
    expect(response.json().flags).toContainEqual(
      expect.objectContaining({ key: SEED, errorCode: 'TARGETING_KEY_MISSING' }),
    );
  });
});

describe('dynamic config', () => {
  const get = (sdkKey: string, url: string) =>
    app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${sdkKey}` } });

  it('resolves user, then tenant, then environment', async () => {
    expect((await get(prodKey, '/v1/config/checkout.max-items')).json()).toEqual({
      key: 'checkout.max-items',
      value: 80,
      valueType: 'int',
      scope: 'env',
    });
    expect((await get(prodKey, '/v1/config/checkout.max-items?tenant=acme')).json()).toMatchObject({
      value: 200,
      scope: 'tenant',
    });
    expect((await get(prodKey, '/v1/config/checkout.max-items?tenant=acme&user=u-vip')).json()).toMatchObject({
      value: 500,
      scope: 'user',
    });
  });

  it('answers 404 with a JSON error for an unknown entry, and 403 to a key without the config scope', async () => {
    const missing = await get(prodKey, '/v1/config/no.such.config');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ key: 'no.such.config', errorCode: 'FLAG_NOT_FOUND' });
    expect((await get(devKey, '/v1/config/checkout.max-items')).statusCode).toBe(403);
  });

  it('never serves a secret on the config endpoint', async () => {
    const response = await get(prodKey, '/v1/config/payments.api-key');
    expect(response.statusCode).toBe(403);
    expect(response.body).not.toContain('envelope');
  });
});

describe('health and metrics', () => {
  it('is ready with Redis connected and reports the versions it serves', async () => {
    const response = await app.inject({ method: 'GET', url: '/readyz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      ready: true,
      degraded: false,
      redis: 'connected',
      environments: { production: expect.any(Number), dev: 1 },
    });
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });

  it('counts evaluations by flag, variant, environment and reason', async () => {
    const own = createEvaluatorServer({ store, log });
    for (let i = 0; i < 3; i++)
      await evaluate(prodKey, SEED, { context: { user: { email: `u${i}@companyos.io` } } }, {}, own);
    await evaluate(prodKey, 'no.such.flag', { context: {} }, {}, own);
    const text = (await own.inject({ method: 'GET', url: '/metrics' })).body;
    await own.close();
    expect(text).toContain(
      `switchyard_evaluations_total{flag="${SEED}",variant="rust_engine",environment="production",reason="TARGETING_MATCH"} 3`,
    );
    expect(text).toContain(
      'switchyard_evaluations_total{flag="__unknown__",variant="",environment="production",reason="ERROR"} 1',
    );
    expect(text).toMatch(/switchyard_evaluation_duration_seconds_count\{route="flag"\} 4/);
    expect(text).toContain('switchyard_redis_connected 1');
    expect(text).toMatch(/switchyard_snapshot_version\{environment="dev"\} 1/);
    expect(text).toMatch(/switchyard_snapshot_age_seconds \d/);
  });
});

describe('following the change feed', () => {
  it('serves a snapshot published after a change within a second', async () => {
    const killed = structuredClone(seed);
    killed.environments.production = {
      killed: true,
      killedTenants: [],
      userOverrides: {},
      tenantOverrides: {},
      rules: [],
    };
    await plantSnapshot(
      admin,
      keys,
      snapshotOf('production', 2, [killed, banner], { [checkoutLimit.key]: checkoutLimit }),
    );
    const elapsed = await within(
      1_000,
      async () =>
        (await evaluate(prodKey, SEED, { context: { user: { email: 'ada@companyos.io' } } })).json().reason ===
        'DISABLED',
    );
    expect(elapsed).toBeLessThan(1_000);
    expect(store.status().versions.production).toBe(2);
  });

  it('never replaces a held snapshot with an older version', async () => {
    await plantSnapshot(admin, keys, snapshotOf('production', 1, [seed]));
    await store.refresh();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(store.status().versions.production).toBe(2);
    expect((await evaluate(prodKey, SEED, { context: { user: { email: 'ada@companyos.io' } } })).json().reason).toBe(
      'DISABLED',
    );
  });

  it('accepts a new SDK key once its feed entry arrives', async () => {
    const fresh = await plantSdkKey(admin, keys, { env: 'dev', scopes: ['flags'] });
    await within(1_000, async () => (await evaluate(fresh, SEED, { context: {} })).statusCode === 200);
  });

  const bannerVariant = async () =>
    (await evaluate(prodKey, 'ui.banner', { context: { targetingKey: 'u1' } })).json().variant as string;
  const saleBanner = () => ({
    ...banner,
    environments: {
      production: {
        killed: false,
        killedTenants: [],
        userOverrides: {},
        tenantOverrides: {},
        rules: [],
        serve: { serve: 'sale' },
      },
    },
  });

  it('serves a delta without reading the environment in full: the untouched flags keep their compiled closures', async () => {
    await plantSnapshot(admin, keys, snapshotOf('production', 3, [seed, banner]));
    await within(1_000, async () => store.status().versions.production === 3);
    const held = store.get('production')!;
    const seedClosure = flagEvaluatorOf(held.compiled, SEED);
    const version = await plantDelta(admin, keys, 'production', { flags: [saleBanner()] });
    await within(1_000, async () => (await bannerVariant()) === 'sale');
    expect(store.status().versions.production).toBe(version);
    expect(flagEvaluatorOf(store.get('production')!.compiled, SEED)).toBe(seedClosure);
    // Bulk answers follow the delta too, in the same stable order.
    const answer = await bulk(prodKey, { context: { targetingKey: 'u1' } });
    expect(answer.json().flags.map((f: { key: string }) => f.key)).toEqual([SEED, 'ui.banner']);
    expect(answer.json().flags[1]).toMatchObject({ variant: 'sale' });
  });

  it('reloads in full on a gap (a publication the feed lost), and serves what both changes made', async () => {
    const seedClosure = flagEvaluatorOf(store.get('production')!.compiled, SEED);
    const missed = await plantDelta(admin, keys, 'production', { flags: [seed] }, { announce: false });
    await plantDelta(admin, keys, 'production', { deleteFlags: ['ui.banner'] });
    await within(1_000, async () => store.status().versions.production === missed + 1);
    expect((await evaluate(prodKey, SEED, { context: { user: { email: 'ada@companyos.io' } } })).json()).toMatchObject({
      variant: 'rust_engine',
    });
    expect((await evaluate(prodKey, 'ui.banner', { context: {} })).statusCode).toBe(404);
    expect(flagEvaluatorOf(store.get('production')!.compiled, SEED)).not.toBe(seedClosure);
  });

  it('reloads in full when the feed was trimmed past what it holds, on the next entry it reads', async () => {
    const before = store.status().versions.production!;
    await plantDelta(admin, keys, 'production', { flags: [saleBanner()] }, { announce: false });
    await trimFeed(admin, keys, 0);
    await plantDelta(admin, keys, 'production', { flags: [{ ...seed, description: 'trimmed' }] });
    await within(1_000, async () => store.status().versions.production === before + 2);
    expect(await bannerVariant()).toBe('sale');
    // Back to the banner the tests below expect.
    await plantSnapshot(admin, keys, snapshotOf('production', before + 3, [seed, banner]));
    await within(1_000, async () => (await bannerVariant()) === 'off');
  });
});

describe('with the OpenFeature server SDK and its OFREP provider', () => {
  it('resolves flags, and falls back to the caller’s default with the error code', async () => {
    const own = createEvaluatorServer({ store, log });
    const baseUrl = await own.listen({ port: 0, host: '127.0.0.1' });
    try {
      await OpenFeature.setProviderAndWait(
        'evaluator-e2e',
        new OFREPProvider({ baseUrl, headers: { Authorization: `Bearer ${prodKey}` } }),
      );
      const client = OpenFeature.getClient('evaluator-e2e');
      const banner = await client.getStringDetails('ui.banner', 'fallback', { targetingKey: 'u1' });
      expect(banner).toMatchObject({ value: 'none', variant: 'off', reason: 'STATIC' });
      const missing = await client.getBooleanDetails('no.such.flag', true, { targetingKey: 'u1' });
      expect(missing).toMatchObject({ value: true, errorCode: 'FLAG_NOT_FOUND' });
      const wrongType = await client.getNumberDetails('ui.banner', 7, { targetingKey: 'u1' });
      expect(wrongType).toMatchObject({ value: 7, errorCode: 'TYPE_MISMATCH' });
    } finally {
      await OpenFeature.clearProviders();
      await own.close();
    }
  });
});
