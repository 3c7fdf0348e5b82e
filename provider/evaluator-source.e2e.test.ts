import { randomUUID } from 'node:crypto';
import { OpenFeature } from '@openfeature/server-sdk';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { compileSnapshot } from '../core/engine/index.js';
import { createLogger } from '../storage/logger.js';
import type { EnvSnapshot } from '../core/snapshot.js';
import { createEvaluatorServer } from '../evaluator/server.js';
import { SnapshotStore } from '../evaluator/snapshot-store.js';
import { redisKeys, type SdkKeyRecord } from '../storage/redis-keys.js';
import { hashSdkKey } from '../core/sdk-key.js';
import { epochTag } from '../evaluator/bulk-etag.js';
import { announceSdkKeys, FIXTURE_EPOCH, plantSnapshot } from '../test/redis-fixture.js';
import { clearRedisPrefix, testRedisPrefix } from '../test/db.js';
import { evaluatorSource } from './evaluator-source.js';
import { SwitchyardProvider } from './switchyard-provider.js';
import { killedIn, SEED_KEY, snapshotOf } from '../test/snapshots.js';

const log = createLogger('silent');
const quiet = { logger: { warn: () => undefined, info: () => undefined } };
const dogfooder = { targetingKey: 'ada', user: { email: 'ada@companyos.io' } };
const prefix = testRedisPrefix('provider-evaluator');
const keys = redisKeys(prefix);
let redis: Redis;
let subscriber: Redis;
let admin: Redis;
let store: SnapshotStore;
let app: FastifyInstance;
let url: string;

const publish = (snapshot: EnvSnapshot) => plantSnapshot(admin, keys, snapshot);

async function sdkKey(scopes: SdkKeyRecord['scopes']): Promise<string> {
  const key = `sy_production_${randomUUID()}`;
  const record: SdkKeyRecord = { id: randomUUID(), env: 'production', scopes, name: 'provider test' };
  await admin.hset(keys.sdkKeys, hashSdkKey(key), JSON.stringify(record));
  await announceSdkKeys(admin, keys);
  await vi.waitFor(() => expect(store.findSdkKey(key)).toBeDefined(), { timeout: 2_000 });
  return key;
}

function getSnapshot(key: string, etag?: string) {
  return fetch(`${url}/v1/snapshot`, {
    headers: { authorization: `Bearer ${key}`, ...(etag ? { 'if-none-match': etag } : {}) },
  });
}

beforeAll(async () => {
  admin = new Redis('redis://127.0.0.1:6379');
  const withConfig = snapshotOf('production', 1);
  withConfig.configs = {
    'search.timeout': {
      key: 'search.timeout',
      type: 'config',
      valueType: 'int',
      description: '',
      owner: 'core',
      secret: false,
      value: 250,
      scopes: [],
    },
  };
  await publish(withConfig);
  redis = new Redis('redis://127.0.0.1:6379', { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  subscriber = new Redis('redis://127.0.0.1:6379', { autoResubscribe: false });
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
  url = await app.listen({ port: 0, host: '127.0.0.1' });
});

afterAll(async () => {
  await OpenFeature.close();
  store?.stop();
  await app?.close();
  redis?.disconnect();
  subscriber?.disconnect();
  await clearRedisPrefix(admin, prefix);
  admin?.disconnect();
});

describe('GET /v1/snapshot', () => {
  it('serves the key’s environment with an ETag, and 304 while it has not changed', async () => {
    const key = await sdkKey(['flags', 'config']);
    const first = await getSnapshot(key);
    expect(first.status).toBe(200);
    const etag = first.headers.get('etag')!;
    expect(etag).toBe(`"production-${epochTag(FIXTURE_EPOCH)}-1"`);
    const body = (await first.json()) as EnvSnapshot;
    expect(body).toMatchObject({ env: 'production', version: 1 });
    expect(Object.keys(body.flags)).toEqual([SEED_KEY]);
    expect(Object.keys(body.configs)).toEqual(['search.timeout']);
    const again = await getSnapshot(key, etag);
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
  });

  it('leaves configs out for a key without the config scope', async () => {
    const response = await getSnapshot(await sdkKey(['flags']));
    expect(response.headers.get('etag')).toBe(`"production-${epochTag(FIXTURE_EPOCH)}-1-flags"`);
    expect(((await response.json()) as EnvSnapshot).configs).toEqual({});
  });

  it('answers 401 to an unknown key and 403 to a key without the flags scope', async () => {
    expect((await getSnapshot('sy_production_nobody')).status).toBe(401);
    expect((await getSnapshot(await sdkKey(['config']))).status).toBe(403);
  });
});

describe('the provider reading snapshots from the evaluator', () => {
  it('evaluates in-process and picks up a new version on its next poll', async () => {
    const key = await sdkKey(['flags']);
    const provider = new SwitchyardProvider(evaluatorSource({ url, sdkKey: key, pollIntervalMs: 50 }), quiet);
    const domain = randomUUID();
    await OpenFeature.setProviderAndWait(domain, provider);
    const client = OpenFeature.getClient(domain);
    expect(await client.getBooleanDetails(SEED_KEY, false, dogfooder)).toMatchObject({
      value: true,
      variant: 'rust_engine',
      reason: 'TARGETING_MATCH',
    });

    await publish(snapshotOf('production', 2, [killedIn('production')]));
    await vi.waitFor(
      async () =>
        expect(await client.getBooleanDetails(SEED_KEY, true, dogfooder)).toMatchObject({
          value: false,
          reason: 'DISABLED',
        }),
      {
        timeout: 3_000,
        interval: 20,
      },
    );
    expect(provider.snapshotInfo).toEqual({ env: 'production', version: 2 });
  });

  it('fails initialization with the evaluator’s refusal in words', async () => {
    const provider = new SwitchyardProvider(evaluatorSource({ url, sdkKey: 'sy_production_revoked' }), quiet);
    await expect(OpenFeature.setProviderAndWait(randomUUID(), provider)).rejects.toThrow(
      /does not know this SDK key \(401\)/,
    );
  });
});
