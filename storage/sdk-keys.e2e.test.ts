import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../core/errors.js';
import { createLogger } from '../core/logger.js';
import { clearRedisPrefix, createTestDatabase, testRedisPrefix, type TestDatabase } from '../test/db.js';
import { auditTrail } from './audit.js';
import type { StorageDeps } from './deps.js';
import { redisKeys, type Invalidation } from './redis-keys.js';
import { createSdkKey, hashSdkKey, listSdkKeys, revokeSdkKey, syncSdkKeysToRedis } from './sdk-keys.js';

let db: TestDatabase;
let redis: Redis;
let deps: StorageDeps;
const prefix = testRedisPrefix('storage-sdk');

beforeAll(async () => {
  db = await createTestDatabase();
  redis = new Redis('redis://127.0.0.1:6379');
  deps = { pool: db.pool, redis, keys: redisKeys(prefix), log: createLogger('silent') };
});

afterAll(async () => {
  await clearRedisPrefix(redis, prefix);
  redis.disconnect();
  await db?.drop();
});

describe('SDK keys', () => {
  it('are shown once and stored only as their hash', async () => {
    const { key, record } = await createSdkKey(deps, { env: 'production', scopes: ['flags', 'config'], name: 'checkout-service', actor: 'U_OPS' });

    expect(key).toMatch(/^sy_production_[A-Za-z0-9_-]{43}$/);
    const { rows } = await db.pool.query('SELECT row_to_json(k)::text AS row FROM sdk_keys k');
    expect(rows).toHaveLength(1);
    expect(rows[0].row).not.toContain(key);
    expect(rows[0].row).toContain(hashSdkKey(key));

    expect(JSON.parse((await redis.hget(deps.keys.sdkKeys, hashSdkKey(key)))!)).toEqual(record);
    expect(record).toMatchObject({ env: 'production', scopes: ['flags', 'config'], name: 'checkout-service' });

    const [audit] = await auditTrail(db.pool, { entityKind: 'sdk-key' });
    expect(audit).toMatchObject({ actor: 'U_OPS', action: 'sdk-key.create', environment: 'production', entityKey: record.id });
    expect(JSON.stringify(audit)).not.toContain(key);
  });

  it('announce changes so evaluators reload their key table', async () => {
    const subscriber = new Redis('redis://127.0.0.1:6379');
    const messages: Invalidation[] = [];
    subscriber.on('message', (_channel, message) => messages.push(JSON.parse(message)));
    await subscriber.subscribe(deps.keys.invalidations);
    try {
      await createSdkKey(deps, { env: 'dev', scopes: ['flags'], name: 'web', actor: 'U_OPS' });
      await expect.poll(() => messages).toContainEqual({ kind: 'sdk-keys' });
    } finally {
      subscriber.disconnect();
    }
  });

  it('refuse an unknown environment, naming the known ones', async () => {
    const attempt = createSdkKey(deps, { env: 'prod', scopes: ['flags'], name: 'x', actor: 'U_OPS' });
    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    await expect(attempt).rejects.toThrow('environment "prod" unknown: must be one of dev, staging, production');
  });

  it('refuse an unknown scope', async () => {
    await expect(createSdkKey(deps, { env: 'dev', scopes: ['flags', 'admin'], name: 'x', actor: 'U_OPS' })).rejects.toThrow(
      'scopes must be one or more of flags, config, secrets (got admin)',
    );
  });

  it('stop working in Redis when revoked, and Redis can be rebuilt from Postgres', async () => {
    const kept = await createSdkKey(deps, { env: 'staging', scopes: ['config'], name: 'kept', actor: 'U_OPS' });
    const revoked = await createSdkKey(deps, { env: 'staging', scopes: ['config'], name: 'revoked', actor: 'U_OPS' });
    await revokeSdkKey(deps, { id: revoked.record.id, actor: 'U_OPS', reason: 'leaked' });
    expect(await redis.hexists(deps.keys.sdkKeys, hashSdkKey(revoked.key))).toBe(0);

    await redis.del(deps.keys.sdkKeys);
    const live = await syncSdkKeysToRedis(deps);
    expect(live).toBe((await listSdkKeys(db.pool)).length);
    expect(await redis.hexists(deps.keys.sdkKeys, hashSdkKey(kept.key))).toBe(1);
    expect(await redis.hexists(deps.keys.sdkKeys, hashSdkKey(revoked.key))).toBe(0);
  });
});
