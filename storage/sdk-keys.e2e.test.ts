import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../core/errors.js';
import { type TestDatabase } from '../test/db.js';
import { useStorageHarness } from '../test/storage-harness.js';
import { feedHead, readFeed } from '../test/redis-entries.js';
import { auditTrail } from './audit.js';
import { readEpoch } from './database-epoch.js';
import type { StorageDeps } from './deps.js';
import { type Invalidation } from './redis-keys.js';
import { listSdkKeys, sdkKeysLastUsed } from './sdk-key-list.js';
import { hashSdkKey } from '../core/sdk-key.js';
import { createSdkKey, revokeSdkKey, rotateSdkKey, syncSdkKeysToRedis } from './sdk-keys.js';

let db: TestDatabase;
let redis: Redis;
let deps: StorageDeps;
useStorageHarness('storage-sdk', (h) => ({ db, redis, deps } = h));

describe('SDK keys', () => {
  it('are shown once and stored only as their hash', async () => {
    const { key, record } = await createSdkKey(deps, {
      env: 'production',
      scopes: ['flags', 'config'],
      name: 'checkout-service',
      actor: 'U_OPS',
    });

    expect(key).toMatch(/^sy_production_[A-Za-z0-9_-]{43}$/);
    const { rows } = await db.pool.query('SELECT row_to_json(k)::text AS row FROM sdk_keys k');
    expect(rows).toHaveLength(1);
    expect(rows[0].row).not.toContain(key);
    expect(rows[0].row).toContain(hashSdkKey(key));

    expect(JSON.parse((await redis.hget(deps.keys.sdkKeys, hashSdkKey(key)))!)).toEqual(record);
    expect(record).toMatchObject({ env: 'production', scopes: ['flags', 'config'], name: 'checkout-service' });

    const [audit] = await auditTrail(db.pool, { entityKind: 'sdk-key' });
    expect(audit).toMatchObject({
      actor: 'U_OPS',
      action: 'sdk-key.create',
      environment: 'production',
      entityKey: record.id,
    });
    expect(JSON.stringify(audit)).not.toContain(key);
  });

  it('announce changes on the change feed (and the legacy channel) so evaluators reload their key table', async () => {
    const subscriber = new Redis('redis://127.0.0.1:6379');
    const messages: Invalidation[] = [];
    subscriber.on('message', (_channel, message) => messages.push(JSON.parse(message)));
    await subscriber.subscribe(deps.keys.invalidations);
    try {
      const head = await feedHead(redis, deps.keys);
      await createSdkKey(deps, { env: 'dev', scopes: ['flags'], name: 'web', actor: 'U_OPS' });
      expect((await readFeed(redis, deps.keys, head)).map((f) => f.entry)).toEqual([
        { kind: 'sdk-keys', epoch: await readEpoch(db.pool) },
      ]);
      await expect.poll(() => messages).toContainEqual({ kind: 'sdk-keys' });
    } finally {
      subscriber.disconnect();
    }
  });

  it('carry the epoch on the feed for every kind of key change, and an entry of an older publisher without one still reads as a change', async () => {
    const epoch = await readEpoch(db.pool);
    const head = await feedHead(redis, deps.keys);
    const { record } = await createSdkKey(deps, { env: 'dev', scopes: ['flags'], name: 'epoch', actor: 'U_OPS' });
    const rotated = await rotateSdkKey(deps, { id: record.id, actor: 'U_OPS', graceMs: 0 });
    await revokeSdkKey(deps, { id: rotated.record.id, actor: 'U_OPS', reason: 'done' });
    await syncSdkKeysToRedis(deps);
    await redis.xadd(deps.keys.changeFeed, '*', 'kind', 'sdk-keys');
    expect((await readFeed(redis, deps.keys, head)).map((f) => f.entry)).toEqual([
      ...Array(4).fill({ kind: 'sdk-keys', epoch }),
      { kind: 'sdk-keys' },
    ]);
  });

  it('refuse an unknown environment, naming the known ones', async () => {
    const attempt = createSdkKey(deps, { env: 'prod', scopes: ['flags'], name: 'x', actor: 'U_OPS' });
    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    await expect(attempt).rejects.toThrow('environment "prod" unknown: must be one of dev, staging, production');
  });

  it('refuse an unknown scope', async () => {
    await expect(
      createSdkKey(deps, { env: 'dev', scopes: ['flags', 'admin'], name: 'x', actor: 'U_OPS' }),
    ).rejects.toThrow('scopes must be one or more of flags, config, secrets (got admin)');
  });

  it('carry their browser origins to Redis and the list, keep them through a rotation and a rebuild', async () => {
    const web = await createSdkKey(deps, {
      env: 'dev',
      scopes: ['flags'],
      name: 'storefront',
      origins: ['https://a.example', 'http://localhost:5173'],
      actor: 'U_OPS',
    });
    const origins = ['https://a.example', 'http://localhost:5173'];
    expect(web.record.origins).toEqual(origins);
    expect(JSON.parse((await redis.hget(deps.keys.sdkKeys, hashSdkKey(web.key)))!)).toEqual(web.record);
    expect((await listSdkKeys(db.pool)).find((r) => r.id === web.record.id)?.origins).toEqual(origins);

    const rotated = await rotateSdkKey(deps, { id: web.record.id, actor: 'U_OPS', graceMs: 60_000 });
    expect(rotated.record.origins).toEqual(origins);
    expect(JSON.parse((await redis.hget(deps.keys.sdkKeys, hashSdkKey(rotated.key)))!)).toMatchObject({ origins });
    await syncSdkKeysToRedis(deps);
    expect(JSON.parse((await redis.hget(deps.keys.sdkKeys, hashSdkKey(rotated.key)))!)).toMatchObject({ origins });

    const plain = await createSdkKey(deps, { env: 'dev', scopes: ['flags'], name: 'server', actor: 'U_OPS' });
    expect(JSON.parse((await redis.hget(deps.keys.sdkKeys, hashSdkKey(plain.key)))!)).not.toHaveProperty('origins');
  });

  it('refuse anything but an exact http(s) origin, naming it, and write nothing', async () => {
    const before = (await db.pool.query('SELECT count(*)::int AS n FROM sdk_keys')).rows[0].n as number;
    const beforeRedis = await redis.hlen(deps.keys.sdkKeys);
    for (const [bad, hint] of [
      ['https://a.example/app', '; did you mean https://a.example?'],
      ['https://a.example/', '; did you mean https://a.example?'],
      ['https://A.example', '; did you mean https://a.example?'],
      ['ftp://a.example', ''],
      ['a.example', ''],
      ['*', ''],
    ] as const) {
      const attempt = createSdkKey(deps, {
        env: 'dev',
        scopes: ['flags'],
        name: 'web',
        origins: ['https://ok.example', bad],
        actor: 'U_OPS',
      });
      await expect(attempt).rejects.toBeInstanceOf(ValidationError);
      await expect(attempt).rejects.toThrow(
        `"${bad}" is not an origin: give scheme://host[:port] with http or https and no path (e.g. https://app.example.com)${hint}`,
      );
    }
    expect((await db.pool.query('SELECT count(*)::int AS n FROM sdk_keys')).rows[0].n).toBe(before);
    expect(await redis.hlen(deps.keys.sdkKeys)).toBe(beforeRedis);
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

  it('record who revoked a key and why, and refuse revoking it twice or without a reason', async () => {
    const { record } = await createSdkKey(deps, { env: 'dev', scopes: ['flags'], name: 'ci', actor: 'U_OPS' });
    await expect(revokeSdkKey(deps, { id: record.id, actor: 'cli:alice', reason: ' ' })).rejects.toThrow(/--reason/);
    await revokeSdkKey(deps, { id: record.id.slice(0, 8), actor: 'cli:alice', reason: 'leaked in a build log' });
    const row = (await listSdkKeys(db.pool, { includeRetired: true })).find((r) => r.id === record.id)!;
    expect(row.lifecycle).toMatchObject({ state: 'revoked', by: 'cli:alice', reason: 'leaked in a build log' });
    expect((await listSdkKeys(db.pool)).map((r) => r.id)).not.toContain(record.id);
    await expect(revokeSdkKey(deps, { id: record.id, actor: 'cli:alice', reason: 'again' })).rejects.toThrow(
      /already revoked/,
    );
  });

  it('rotate into a key of the same environment and scopes, the old one carrying its end of grace to Redis, in one audit row', async () => {
    const old = await createSdkKey(deps, {
      env: 'production',
      scopes: ['flags', 'secrets'],
      name: 'payments',
      actor: 'U_OPS',
    });
    const before = Date.now();
    const rotated = await rotateSdkKey(deps, { id: old.record.id, actor: 'cli:alice', graceMs: 3_600_000 });

    expect(rotated.key).not.toBe(old.key);
    expect(rotated.record).toMatchObject({ env: 'production', scopes: ['flags', 'secrets'], name: 'payments' });
    expect(Date.parse(rotated.previous.expiresAt) - before).toBeGreaterThan(3_590_000);
    expect(JSON.parse((await redis.hget(deps.keys.sdkKeys, hashSdkKey(old.key)))!)).toMatchObject({
      id: old.record.id,
      expiresAt: rotated.previous.expiresAt,
    });
    expect(JSON.parse((await redis.hget(deps.keys.sdkKeys, hashSdkKey(rotated.key)))!)).toEqual(rotated.record);

    const rows = await listSdkKeys(db.pool, { env: 'production' });
    expect(rows.find((r) => r.id === old.record.id)!.lifecycle).toEqual({
      state: 'rotating',
      until: rotated.previous.expiresAt,
      successor: rotated.record.id,
    });
    expect(rows.find((r) => r.id === rotated.record.id)!.lifecycle).toEqual({ state: 'active' });

    const audits = await auditTrail(db.pool, { entityKind: 'sdk-key', entityKey: old.record.id });
    expect(audits.map((a) => a.action)).toEqual(['sdk-key.rotate', 'sdk-key.create']);
    expect(audits[0]).toMatchObject({
      actor: 'cli:alice',
      detail: { successor: rotated.record.id, oldKeyStopsAt: rotated.previous.expiresAt },
    });
    expect(JSON.stringify(audits)).not.toContain(rotated.key);

    await expect(rotateSdkKey(deps, { id: old.record.id, actor: 'cli:alice', graceMs: 0 })).rejects.toThrow(
      /already rotated .*rotate its successor/,
    );
  });

  it('leave a key past its grace out of the rebuilt Redis table and of the live list', async () => {
    const old = await createSdkKey(deps, { env: 'staging', scopes: ['flags'], name: 'batch', actor: 'U_OPS' });
    await rotateSdkKey(deps, { id: old.record.id, actor: 'cli:alice', graceMs: 0 });
    await syncSdkKeysToRedis(deps);
    expect(await redis.hexists(deps.keys.sdkKeys, hashSdkKey(old.key))).toBe(0);
    expect((await listSdkKeys(db.pool)).map((r) => r.id)).not.toContain(old.record.id);
    expect(
      (await listSdkKeys(db.pool, { includeRetired: true })).find((r) => r.id === old.record.id)!.lifecycle,
    ).toMatchObject({ state: 'expired' });
  });

  it('refuse an id that matches no key, naming the command that lists them', async () => {
    await expect(
      revokeSdkKey(deps, { id: '00000000-0000-0000-0000-000000000000', actor: 'U', reason: 'x' }),
    ).rejects.toThrow('no SDK key with id 00000000-0000-0000-0000-000000000000: `switchyard key list` shows the ids');
    await expect(rotateSdkKey(deps, { id: 'not an id', actor: 'U', graceMs: 0 })).rejects.toThrow(
      /is not an SDK key id/,
    );
  });

  it('read last use from what evaluators record in Redis, and say when Redis cannot tell', async () => {
    const { record } = await createSdkKey(deps, { env: 'dev', scopes: ['flags'], name: 'used', actor: 'U_OPS' });
    await redis.zadd(deps.keys.sdkKeyLastUsed, Date.parse('2030-05-01T10:00:00Z'), record.id);
    expect(await sdkKeysLastUsed(deps, [record.id, 'never-used'])).toEqual(
      new Map([[record.id, '2030-05-01T10:00:00.000Z']]),
    );
    const unreachable = new Redis('redis://127.0.0.1:1', {
      lazyConnect: true,
      enableOfflineQueue: false,
      retryStrategy: () => null,
    });
    unreachable.on('error', () => undefined);
    expect(await sdkKeysLastUsed({ ...deps, redis: unreachable }, [record.id])).toBeUndefined();
    unreachable.disconnect();
  });
});
