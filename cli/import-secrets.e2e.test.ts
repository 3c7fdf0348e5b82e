import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ValidationError } from '../core/errors.js';
import type { ConfigEntry } from '../core/model/config-entry.js';
import { isSecretEnvelope, openSecret, sealSecret } from '../core/secrets/envelope.js';
import { keyRing } from '../core/secrets/keyring.js';
import { parseSettings } from './settings.js';
import { startEvaluator, type RunningEvaluator } from '../evaluator/server.js';
import { applyChange } from '../storage/apply-change.js';
import { exportConfigs, getConfig } from '../storage/configs.js';
import type { StorageDeps } from '../storage/deps.js';
import { insertVersion } from '../storage/entry-versions.js';
import { redisKeys } from '../storage/redis-keys.js';
import { createSdkKey } from '../storage/sdk-keys.js';
import { publishSnapshots } from '../storage/snapshot-publisher.js';
import { clearRedisPrefix, createTestDatabase, testRedisPrefix, type TestDatabase } from '../test/db.js';
import { readServedEntries } from '../test/redis-entries.js';
import { capturingLogger, dumpDatabase, dumpRedisPrefix, placesHolding } from '../test/secret-leaks.js';
import { importEntries } from './import-command.js';

/**
 * `switchyard import` of a secret, outside in: the file holds the clear value, and after the
 * import Postgres, Redis and the logs hold only its envelope, while a secrets-scoped SDK key
 * reads the clear value from the evaluator.
 */
const MASTER = randomBytes(32);
const KEY = 'payments.api-key';

let db: TestDatabase;
let redis: Redis;
let prefix: string;
let deps: StorageDeps;
let dir: string;
let evaluator: RunningEvaluator;
const logLines: string[] = [];
const sdkKeys: Record<string, string> = {};

async function entryFile(name: string, entries: unknown[]): Promise<string> {
  const path = join(dir, `${name}.json`);
  await writeFile(path, JSON.stringify(entries));
  return path;
}

const secretEntry = (key: string, global: string, production: string) => ({
  key,
  type: 'config',
  valueType: 'string',
  secret: true,
  owner: 'payments',
  value: global,
  scopes: [{ env: 'production', value: production }],
});

async function readSecret(env: string, key: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${evaluator.url}/v1/secrets/${key}`, {
    headers: { authorization: `Bearer ${sdkKeys[env]}` },
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Waits until the evaluator holds at least the snapshot versions a change produced. */
async function served(snapshots: Record<string, number>): Promise<void> {
  await vi.waitFor(
    () => {
      for (const [env, version] of Object.entries(snapshots))
        expect(evaluator.store.status().versions[env] ?? -1).toBeGreaterThanOrEqual(version);
    },
    { timeout: 3_000 },
  );
}

const countRows = async (sql: string, params: unknown[] = []) =>
  Number((await db.pool.query<{ n: string }>(sql, params)).rows[0]!.n);

beforeAll(async () => {
  db = await createTestDatabase();
  prefix = testRedisPrefix('import-secrets');
  redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: 2 });
  const log = capturingLogger(logLines);
  deps = { pool: db.pool, redis, keys: redisKeys(prefix), log };
  dir = await mkdtemp(join(tmpdir(), 'switchyard-import-secrets-'));

  const parsed = parseSettings({
    REDIS_PREFIX: prefix,
    EVALUATOR_PORT: '0',
    EVALUATOR_HOST: '127.0.0.1',
    LOG_LEVEL: 'trace',
    SECRETS_MASTER_KEY: MASTER.toString('base64'),
  });
  if (!parsed.ok) throw new Error(parsed.message);
  evaluator = await startEvaluator(parsed.settings, { log });
  await evaluator.loaded;
  for (const env of ['production', 'dev']) {
    sdkKeys[env] = (
      await createSdkKey(deps, { env, scopes: ['secrets'], name: `secrets-${env}`, actor: 'test-setup' })
    ).key;
    await vi.waitFor(async () => expect((await readSecret(env, 'probe')).status).not.toBe(401), { timeout: 3_000 });
  }
});

afterAll(async () => {
  await evaluator?.close();
  await clearRedisPrefix(redis, prefix);
  redis?.disconnect();
  await db?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('switchyard import of a secret with a plain value', () => {
  const globalClear = `global-${randomUUID()}`;
  const productionClear = `prod-${randomUUID()}`;

  it('seals it with SECRETS_MASTER_KEY: Postgres, the audit log and Redis hold envelopes, the evaluator serves the clear value', async () => {
    const file = await entryFile('secret', [secretEntry(KEY, globalClear, productionClear)]);
    const report = await importEntries(deps, file, { actor: 'cli:test', keyRing: keyRing([MASTER]) });
    expect(report).toMatchObject({ applied: 1, lines: [`+ config ${KEY} (new)`] });

    const stored = (await getConfig(db.pool, KEY))!.document;
    expect(isSecretEnvelope(stored.value)).toBe(true);
    expect(stored.scopes.map((s) => isSecretEnvelope(s.value))).toEqual([true]);
    expect(openSecret(MASTER, stored.value, { key: KEY })).toBe(globalClear);
    expect(openSecret(MASTER, stored.scopes[0]!.value, { key: KEY, env: 'production' })).toBe(productionClear);

    const snapshot = await readServedEntries(redis, deps.keys, 'production');
    expect(isSecretEnvelope(snapshot.configs[KEY]!.scopes[0]!.value)).toBe(true);
    expect(await countRows('SELECT count(*) AS n FROM audit_log WHERE entity_key = $1', [KEY])).toBe(1);

    const dumps = {
      ...(await dumpDatabase(db.pool)),
      ...(await dumpRedisPrefix(redis, prefix)),
      logs: logLines.join(''),
      output: JSON.stringify(report),
    };
    expect(placesHolding([globalClear, productionClear], dumps)).toEqual([]);

    await vi.waitFor(
      async () =>
        expect(await readSecret('production', KEY)).toEqual({
          status: 200,
          body: { key: KEY, value: productionClear },
        }),
      { timeout: 3_000 },
    );
    expect(await readSecret('dev', KEY)).toEqual({ status: 200, body: { key: KEY, value: globalClear } });
  });

  it('makes no new version when the same file is imported again, nor for an import of its export (no double seal)', async () => {
    const before = (await getConfig(db.pool, KEY))!;
    const again = await importEntries(
      deps,
      await entryFile('secret', [secretEntry(KEY, globalClear, productionClear)]),
      { actor: 'cli:test', keyRing: keyRing([MASTER]) },
    );
    expect(again).toMatchObject({ applied: 0, unchanged: 1 });

    const exported = (await exportConfigs(db.pool)).filter((c) => c.key === KEY);
    const reimported = await importEntries(deps, await entryFile('export', exported), {
      actor: 'cli:test',
      keyRing: keyRing([MASTER]),
    });
    expect(reimported).toMatchObject({ applied: 0, unchanged: 1 });
    expect((await getConfig(db.pool, KEY))!.version).toBe(before.version);
    expect(await readSecret('production', KEY)).toMatchObject({ body: { value: productionClear } });
  });

  it('shows a changed secret in the diff as changed, never its envelope or value', async () => {
    const rotated = `rotated-${randomUUID()}`;
    const report = await importEntries(deps, await entryFile('rotated', [secretEntry(KEY, globalClear, rotated)]), {
      actor: 'cli:test',
      keyRing: keyRing([MASTER]),
    });
    expect(report.lines).toEqual([`~ config ${KEY} (version 1 → 2)`, '    scopes: changed (sealed, not shown)']);
    expect(placesHolding([rotated], { output: JSON.stringify(report), ...(await dumpDatabase(db.pool)) })).toEqual([]);
  });

  it('without SECRETS_MASTER_KEY refuses in one line naming the variable, and writes nothing, not even the other entries', async () => {
    const clear = `no-key-${randomUUID()}`;
    const file = await entryFile('no-key', [
      { key: 'http.timeout', type: 'config', valueType: 'int', value: 30 },
      secretEntry('stripe.api-key', clear, clear),
    ]);
    const audit = await countRows('SELECT count(*) AS n FROM audit_log');
    const attempt = importEntries(deps, file, { actor: 'cli:test' });
    await expect(attempt).rejects.toThrow(ValidationError);
    const message = await attempt.catch((err: Error) => err.message);
    expect(message).toBe(
      'nothing imported: SECRETS_MASTER_KEY is not set, and secret stripe.api-key holds a plain value that must be sealed with it (set SECRETS_MASTER_KEY to the 32-byte base64 key the evaluator uses)',
    );
    expect(
      await countRows("SELECT count(*) AS n FROM config_versions WHERE key IN ('http.timeout', 'stripe.api-key')"),
    ).toBe(0);
    expect(await countRows('SELECT count(*) AS n FROM audit_log')).toBe(audit);
    expect(
      placesHolding([clear], {
        ...(await dumpDatabase(db.pool)),
        ...(await dumpRedisPrefix(redis, prefix)),
        logs: logLines.join(''),
      }),
    ).toEqual([]);
  });
});

describe('storage refuses a secret in clear, whichever path writes it', () => {
  it('a change carrying a plain secret value is a ValidationError naming the key and scope, and nothing is written', async () => {
    const current = (await getConfig(db.pool, KEY))!;
    const clear = `sneaked-${randomUUID()}`;
    const document: ConfigEntry = {
      ...current.document,
      scopes: [...current.document.scopes, { env: 'staging', value: clear }],
    };
    const audit = await countRows('SELECT count(*) AS n FROM audit_log');
    const attempt = applyChange(deps, {
      changeId: randomUUID(),
      actor: 'U1',
      action: 'config.secret.set',
      target: { kind: 'config', key: KEY, document },
      expectedVersion: current.version,
      environment: 'staging',
      reason: 'test',
    });
    await expect(attempt).rejects.toThrow(
      new ValidationError(
        `secret ${KEY}: the scope env staging is not a sealed envelope; a secret is only stored encrypted (switchyard import seals plain values when SECRETS_MASTER_KEY is set; in Slack use /config secret set)`,
      ),
    );
    expect((await getConfig(db.pool, KEY))!.version).toBe(current.version);
    expect(await countRows('SELECT count(*) AS n FROM audit_log')).toBe(audit);
    expect(placesHolding([clear], { ...(await dumpDatabase(db.pool)), logs: logLines.join('') })).toEqual([]);
  });
});

describe('the evaluator names what is wrong with a stored secret, without its value', () => {
  it('a value stored in clear (written before storage refused it) is "not a sealed envelope"', async () => {
    const legacy = 'legacy.token';
    const clear = `legacy-${randomUUID()}`;
    // Straight into the table, as a write from before the guard existed would have left it.
    await insertVersion(db.pool, 'config', {
      key: legacy,
      version: 1,
      document: {
        key: legacy,
        type: 'config',
        valueType: 'string',
        description: '',
        owner: 'x',
        secret: true,
        value: clear,
        scopes: [],
      },
      action: 'config.create',
      changeId: randomUUID(),
      createdBy: 'legacy',
    });
    const { rows } = await db.pool.query<{ name: string; v: string }>(
      'UPDATE environments SET snapshot_version = snapshot_version + 1 RETURNING name, snapshot_version AS v',
    );
    await publishSnapshots(
      deps,
      rows.map((r) => r.name),
    );
    await served(Object.fromEntries(rows.map((r) => [r.name, Number(r.v)])));

    const answer = await readSecret('production', legacy);
    expect(answer).toEqual({
      status: 500,
      body: {
        key: legacy,
        errorCode: 'GENERAL',
        errorDetails: `the stored value of secret "${legacy}" in production is not a sealed envelope: set it again (switchyard import with SECRETS_MASTER_KEY set, or /config secret set in Slack)`,
      },
    });
    expect(JSON.stringify(answer)).not.toContain(clear);
    expect(logLines.join('')).not.toContain(clear);
  });

  it('an envelope sealed with another master key says so', async () => {
    const key = 'other-key.token';
    const clear = `other-${randomUUID()}`;
    const document = {
      key,
      type: 'config' as const,
      valueType: 'string' as const,
      description: '',
      owner: 'x',
      secret: true,
      scopes: [{ env: 'production', value: sealSecret(randomBytes(32), clear, { key, env: 'production' }) }],
    };
    const applied = await applyChange(deps, {
      changeId: randomUUID(),
      actor: 'U1',
      action: 'config.secret.set',
      target: { kind: 'config', key, document },
      expectedVersion: 0,
      environment: 'production',
      reason: 'test',
    });
    await served(applied.snapshots);
    const answer = await readSecret('production', key);
    expect(answer.status).toBe(500);
    expect(answer.body.errorDetails).toMatch(
      new RegExp(
        `^secret "${key}" could not be decrypted: this secret was sealed with another master key \\(\\w+\\), which the key ring lacks \\(it holds \\w+\\): add that key to SECRETS_MASTER_KEYS after the current one$`,
      ),
    );
    expect(answer.body.errorDetails).not.toMatch(/not a sealed envelope/);
  });
});
