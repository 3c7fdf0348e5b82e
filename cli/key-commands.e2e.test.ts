import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditTrail } from '../storage/audit.js';
import { createLogger } from '../storage/logger.js';
import { redisKeys } from '../storage/redis-keys.js';
import { hashSdkKey } from '../core/sdk-key.js';
import { createSdkKey } from '../storage/sdk-keys.js';
import { clearRedisPrefix, createTestDatabase, testRedisPrefix, type TestDatabase } from '../test/db.js';

/**
 * `switchyard key list | rotate | revoke` as an operator types them, against a database and a
 * Redis prefix of the test's own. Each run is a process of its own (seconds on a busy machine),
 * so the commands run once, in two waves, and the tests below read their outputs.
 */
const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
const prefix = testRedisPrefix('cli-key');
const keys = redisKeys(prefix);
let db: TestDatabase;
let redis: Redis;

/** The environment without an operator name of the machine's, so the actor is the USER given below. */
const { SWITCHYARD_OPERATOR: _operator, ...operatorFree } = process.env;

type Run = { code: number; stdout: string; stderr: string };
function switchyard(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', MAIN, ...args],
      {
        env: { ...operatorFree, DATABASE_URL: db.url, REDIS_PREFIX: prefix, LOG_LEVEL: 'silent', USER: 'alice' },
        timeout: 60_000,
      },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const rowOf = (list: string, id: string) => list.split('\n').find((line) => line.startsWith(id)) ?? '';

/** Created in Postgres directly: the key commands under test act on them. */
let payments: { id: string; key: string };
let batch: { id: string; key: string };
let runs: Record<
  | 'rotate'
  | 'revoke'
  | 'create'
  | 'createBadOrigin'
  | 'list'
  | 'listProduction'
  | 'revokeWithoutReason'
  | 'rotateRevoked',
  Run
>;
let successor: { id: string; key: string };

beforeAll(async () => {
  db = await createTestDatabase();
  redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const deps = { pool: db.pool, redis, keys, log: createLogger('silent') };
  const a = await createSdkKey(deps, {
    env: 'production',
    scopes: ['flags', 'secrets'],
    name: 'payments',
    actor: 'cli:alice',
  });
  const b = await createSdkKey(deps, { env: 'staging', scopes: ['flags'], name: 'batch', actor: 'cli:alice' });
  payments = { id: a.record.id, key: a.key };
  batch = { id: b.record.id, key: b.key };
  // What evaluators record when a key is used (evaluator/key-usage.ts).
  await redis.zadd(keys.sdkKeyLastUsed, Date.parse('2030-05-01T10:00:00Z'), payments.id);

  const [rotate, revoke, create, createBadOrigin] = await Promise.all([
    switchyard('key', 'rotate', payments.id, '--grace', '2h', '--reason', 'yearly rotation'),
    switchyard('key', 'revoke', batch.id.slice(0, 8), '--reason', 'leaked in a build log', '--as', 'bob'),
    switchyard(
      'key',
      'create',
      '--env',
      'production',
      '--name',
      'storefront',
      '--origin',
      'https://shop.example',
      '--origin',
      'http://localhost:5173',
    ),
    switchyard('key', 'create', '--env', 'production', '--name', 'broken', '--origin', 'https://shop.example/app'),
  ]);
  const [list, listProduction, revokeWithoutReason, rotateRevoked] = await Promise.all([
    switchyard('key', 'list'),
    switchyard('key', 'list', '--env', 'production'),
    switchyard('key', 'revoke', payments.id),
    switchyard('key', 'rotate', batch.id),
  ]);
  runs = { rotate, revoke, create, createBadOrigin, list, listProduction, revokeWithoutReason, rotateRevoked };
  successor = { id: /SDK key ([0-9a-f-]{36}) replaces/.exec(rotate.stderr)?.[1] ?? '', key: rotate.stdout.trim() };
}, 120_000);

afterAll(async () => {
  await clearRedisPrefix(redis, prefix);
  redis.disconnect();
  await db?.drop();
});

describe('switchyard key rotate', () => {
  it('prints a new key of the same environment and scopes once, saying until when the old one keeps working', () => {
    expect(runs.rotate.code).toBe(0);
    expect(successor.key).toMatch(/^sy_production_[A-Za-z0-9_-]{43}$/);
    expect(runs.rotate.stderr).toMatch(
      new RegExp(
        `^SDK key ${successor.id} replaces ${payments.id} \\("payments", production, flags, secrets; server key\\); it keeps working until \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ \\(grace 2h\\)\\. The new key is shown only now:\\n$`,
      ),
    );
  });

  it('publishes both keys to Redis, the old one with its end of grace, and audits one row', async () => {
    expect(await redis.hexists(keys.sdkKeys, hashSdkKey(successor.key))).toBe(1);
    const old = JSON.parse((await redis.hget(keys.sdkKeys, hashSdkKey(payments.key)))!) as { expiresAt: string };
    expect(Date.parse(old.expiresAt) - Date.now()).toBeGreaterThan(3_600_000);
    const audits = await auditTrail(db.pool, { entityKind: 'sdk-key', entityKey: payments.id });
    expect(audits.filter((a) => a.action === 'sdk-key.rotate')).toMatchObject([
      { actor: 'cli:alice', reason: 'yearly rotation', environment: 'production', detail: { successor: successor.id } },
    ]);
  });
});

describe('switchyard key revoke', () => {
  it('takes an id prefix, removes the key from Redis at once and audits who and why', async () => {
    expect(runs.revoke).toMatchObject({
      code: 0,
      stdout: `revoked SDK key ${batch.id} ("batch", staging): evaluators refuse it from now on\n`,
    });
    expect(await redis.hexists(keys.sdkKeys, hashSdkKey(batch.key))).toBe(0);
    const [audit] = await auditTrail(db.pool, { entityKind: 'sdk-key', entityKey: batch.id });
    expect(audit).toMatchObject({
      action: 'sdk-key.revoke',
      actor: 'cli:bob',
      reason: 'leaked in a build log',
      environment: 'staging',
    });
  });

  it('refuses without a reason, and a revoked key cannot be rotated, naming what to type instead', () => {
    expect(runs.revokeWithoutReason.code).toBe(1);
    expect(runs.revokeWithoutReason.stderr).toContain("required option '--reason <text>' not specified");
    expect(runs.rotateRevoked.code).toBe(1);
    expect(runs.rotateRevoked.stderr).toMatch(
      new RegExp(
        `^error: SDK key ${batch.id} \\("batch"\\) was revoked at \\S+: create a new one with switchyard key create --env staging\\n$`,
      ),
    );
  });
});

describe('switchyard key create --origin', () => {
  it('binds browser origins to the new key, publishes them with it, and says it is a client key', async () => {
    expect(runs.create.code).toBe(0);
    expect(runs.create.stderr).toMatch(
      /^SDK key \S+ for production \(flags, config; client key for browsers on https:\/\/shop\.example, http:\/\/localhost:5173: OFREP evaluation only\); it is shown only now:\n$/,
    );
    const record = JSON.parse((await redis.hget(keys.sdkKeys, hashSdkKey(runs.create.stdout.trim())))!) as {
      origins: string[];
    };
    expect(record.origins).toEqual(['https://shop.example', 'http://localhost:5173']);
  });

  it('refuses an origin with a path, naming it, and creates no key', async () => {
    expect(runs.createBadOrigin.code).toBe(1);
    expect(runs.createBadOrigin.stderr).toContain('"https://shop.example/app" is not an origin');
    expect(runs.createBadOrigin.stdout).toBe('');
    expect((await db.pool.query("SELECT 1 FROM sdk_keys WHERE name = 'broken'")).rowCount).toBe(0);
  });
});

describe('switchyard key list', () => {
  it('shows name, environment, scopes, kind, origins, creation, last use and state of every key', () => {
    expect(runs.list.code).toBe(0);
    const [header] = runs.list.stdout.split('\n');
    expect(header).toMatch(/^ID +NAME +ENV +SCOPES +KIND +ORIGINS +CREATED +LAST USED +STATE$/);
    const stamp = '\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ';
    expect(runs.list.stdout.split('\n').find((line) => line.includes(' storefront '))).toMatch(
      new RegExp(
        `^\\S+ +storefront +production +flags,config +client +https://shop\\.example,http://localhost:5173 +${stamp} by cli:alice +never +active$`,
      ),
    );
    expect(rowOf(runs.list.stdout, payments.id)).toMatch(
      new RegExp(
        `^\\S+ +payments +production +flags,secrets +server +- +${stamp} by cli:alice +2030-05-01 10:00:00Z +rotating until ${stamp} \\(replaced by ${successor.id}\\)$`,
      ),
    );
    expect(rowOf(runs.list.stdout, successor.id)).toMatch(
      new RegExp(`^\\S+ +payments +production +flags,secrets +server +- +${stamp} by cli:alice +never +active$`),
    );
    expect(rowOf(runs.list.stdout, batch.id)).toMatch(
      new RegExp(
        `^\\S+ +batch +staging +flags +server +- +${stamp} by cli:alice +never +revoked ${stamp} by cli:bob: leaked in a build log$`,
      ),
    );
  });

  it('never prints a key or its hash', () => {
    for (const key of [payments.key, batch.key, successor.key]) {
      expect(runs.list.stdout).not.toContain(key);
      expect(runs.list.stdout).not.toContain(hashSdkKey(key));
    }
  });

  it('with --env shows only that environment', () => {
    expect(runs.listProduction.code).toBe(0);
    expect(rowOf(runs.listProduction.stdout, payments.id)).not.toBe('');
    expect(rowOf(runs.listProduction.stdout, batch.id)).toBe('');
  });
});
