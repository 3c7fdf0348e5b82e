import { afterAll, describe, expect, it } from 'vitest';
import { compileSnapshot } from '../core/engine/index.js';
import type { ConfigEntry } from '../core/model/config-entry.js';
import type { EnvSnapshot } from '../core/snapshot.js';
import { createLogger } from '../storage/logger.js';
import type { SdkKeyRecord } from '../storage/redis-keys.js';
import { flag, killedIn, SEED_KEY, seedFlag, snapshotOf } from '../test/snapshots.js';
import { HeldSnapshots } from './held-snapshots.js';
import { createEvaluatorServer } from './server.js';

const log = createLogger('silent');
const held = new HeldSnapshots((s) => compileSnapshot(s), log);
const keys: Record<string, SdkKeyRecord> = {
  sy_flags: { id: 'k1', env: 'production', scopes: ['flags'], name: 'flags only' },
  sy_config: { id: 'k2', env: 'production', scopes: ['flags', 'config'], name: 'flags and config' },
};
const app = createEvaluatorServer({
  store: {
    get: (env) => held.get(env),
    findSdkKey: (key) => keys[key],
    status: () => ({
      redisConnected: true,
      loaded: true,
      lastSyncAt: Date.now(),
      versions: held.versions(),
      epochs: held.epochs(),
      waitingFor: [],
    }),
  },
  log,
});
afterAll(() => app.close());

const banners = Array.from({ length: 400 }, (_, i) =>
  flag({
    key: `banner.${i}`,
    type: 'feature_flag',
    valueType: 'boolean',
    description: `banner ${i} — für alle`,
    owner: 'web',
    variations: [
      { id: 'on', value: true },
      { id: 'off', value: false },
    ],
    default: 'off',
  }),
);
const config = (key: string, secret: boolean): ConfigEntry => ({
  key,
  type: 'config',
  valueType: 'string',
  description: '',
  owner: 'core',
  secret,
  value: secret ? 'sealed' : 'eu-west',
  scopes: [],
});
const published: EnvSnapshot = {
  ...snapshotOf('production', 7, [seedFlag(), ...banners], {
    region: config('region', false),
    'payments.api-key': config('payments.api-key', true),
  }),
  epoch: 'db',
};
held.hold(published);

const get = (key: string, etag?: string) =>
  app.inject({
    method: 'GET',
    url: '/v1/snapshot',
    headers: { authorization: `Bearer ${key}`, ...(etag ? { 'if-none-match': etag } : {}) },
  });

describe('GET /v1/snapshot from the entries the evaluator holds', () => {
  it('serves every flag and, to a key with the config scope, the configs that are not secrets', async () => {
    const response = await get('sy_config');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.body).not.toContain('payments.api-key');
    expect(response.json()).toEqual({ ...published, configs: { region: published.configs.region } });
    expect(((await get('sy_flags')).json() as EnvSnapshot).configs).toEqual({});
  });

  it('serves what a delta changed under a new ETag, and 304 to the ETag it answered', async () => {
    const etag = (await get('sy_flags')).headers.etag as string;
    expect((await get('sy_flags', etag)).statusCode).toBe(304);
    const applied = held.applyDelta({
      env: 'production',
      epoch: 'db',
      from: 7,
      version: 8,
      generatedAt: new Date().toISOString(),
      flags: { set: { [SEED_KEY]: killedIn('production') }, del: ['banner.3'] },
      configs: { set: { region: config('region', true) }, del: [] },
    });
    expect(applied).toBe(true);
    const response = await get('sy_config', etag);
    expect(response.statusCode).toBe(200);
    expect(response.headers.etag).not.toBe(etag);
    const body = response.json() as EnvSnapshot;
    expect(body).toMatchObject({ env: 'production', version: 8, epoch: 'db', configs: {} });
    expect(body.flags[SEED_KEY]).toEqual(killedIn('production'));
    expect(Object.keys(body.flags)).toHaveLength(400);
    expect(body.flags['banner.3']).toBeUndefined();
    expect(held.get('production')!.secrets.has('region')).toBe(true);
  });
});
