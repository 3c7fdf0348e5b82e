import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { configEntrySchema } from '../core/model/config-entry.js';
import { keyRing, masterKeyId } from '../core/secrets/keyring.js';
import { envelopeCountsByKey } from '../core/secrets/rewrap.js';
import { sealSecretEntry } from '../core/secrets/sealed-entry.js';
import { startEvaluator, type RunningEvaluator } from '../evaluator/server.js';
import { applyChanges } from '../storage/apply-changes.js';
import type { StorageDeps } from '../storage/deps.js';
import { redisKeys } from '../storage/redis-keys.js';
import { createSdkKey, syncSdkKeysToRedis } from '../storage/sdk-keys.js';
import { publishSnapshots } from '../storage/snapshot-publisher.js';
import { latestSecrets } from '../storage/secret-rewrap.js';
import { clearRedisPrefix, createTestDatabase, testRedisPrefix, type TestDatabase } from '../test/db.js';
import { capturingLogger, dumpDatabase, dumpRedisPrefix, placesHolding } from '../test/secret-leaks.js';
import { runDoctor } from './doctor.js';
import { importEntries } from './import-command.js';
import { runSecretRewrap } from './secret-rewrap.js';
import { parseSettings } from './settings.js';

/**
 * Rotating the master key, outside in: secrets sealed under key A are served by evaluators holding
 * the ring [B, A]; `switchyard secret rewrap` (interrupted by --limit, then resumed, then run again
 * for nothing) leaves every envelope under B, so an evaluator holding [B] alone serves them all;
 * doctor counts envelopes per key along the way; no audit row, table, Redis key or log line holds a
 * clear value or key material.
 */
const A = randomBytes(32);
const B = randomBytes(32);
const b64 = (key: Buffer) => key.toString('base64');
const entryOf = (s: { key: string; global: string; production: string }) =>
  configEntrySchema.parse({
    key: s.key,
    valueType: 'string',
    secret: true,
    value: s.global,
    scopes: [{ env: 'production', value: s.production }],
  });
const SECRETS = Array.from({ length: 7 }, (_, i) => ({
  key: `rotation.secret-${i}`,
  global: `global-${i}-${randomUUID()}`,
  production: `prod-${i}-${randomUUID()}`,
}));
/** The last secret is sealed under B already: rewrap leaves it alone. */
const UNDER_A = SECRETS.length - 1;

let db: TestDatabase;
let redis: Redis;
let prefix: string;
let deps: StorageDeps;
let sdkKey: string;
const evaluators: Record<string, RunningEvaluator> = {};
const logLines: string[] = [];

async function startRingEvaluator(name: string, keys: string): Promise<RunningEvaluator> {
  const parsed = parseSettings({
    REDIS_PREFIX: prefix,
    EVALUATOR_PORT: '0',
    EVALUATOR_HOST: '127.0.0.1',
    LOG_LEVEL: 'trace',
    SECRETS_MASTER_KEYS: keys,
  });
  if (!parsed.ok) throw new Error(parsed.message);
  const evaluator = await startEvaluator(parsed.settings, { log: capturingLogger(logLines) });
  await evaluator.loaded;
  evaluators[name] = evaluator;
  return evaluator;
}

async function readSecret(evaluator: RunningEvaluator, key: string) {
  const response = await fetch(`${evaluator.url}/v1/secrets/${key}`, {
    headers: { authorization: `Bearer ${sdkKey}` },
  });
  return { status: response.status, body: (await response.json()) as { value?: string; errorDetails?: string } };
}

/** Each evaluator serves what Postgres holds now (the rewrap's deltas have reached it). */
async function caughtUp(): Promise<void> {
  const { rows } = await db.pool.query<{ v: string }>(
    "SELECT snapshot_version AS v FROM environments WHERE name = 'production'",
  );
  for (const evaluator of Object.values(evaluators))
    await vi.waitFor(
      () => expect(evaluator.store.status().versions.production).toBeGreaterThanOrEqual(Number(rows[0]!.v)),
      { timeout: 5_000 },
    );
}

/** `switchyard <args>` as an operator runs it, with these variables on top of the test's database and prefix. */
function switchyard(env: Record<string, string>, ...args: string[]): Promise<{ status: number; out: string }> {
  const { SECRETS_MASTER_KEY: _single, SECRETS_MASTER_KEYS: _ring, ...inherited } = process.env;
  return new Promise((resolve) => {
    execFile(
      'npx',
      ['tsx', 'cli/main.ts', ...args],
      {
        encoding: 'utf8',
        env: {
          ...inherited,
          DATABASE_URL: db.url,
          REDIS_PREFIX: prefix,
          LOG_LEVEL: 'silent',
          EVALUATOR_URLS: '',
          ...env,
        },
        timeout: 30_000,
      },
      (error, stdout, stderr) =>
        resolve({ status: error ? Number((error as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}` }),
    );
  });
}

const rewrap = (env: Record<string, string>, ...args: string[]) => switchyard(env, 'secret', 'rewrap', ...args);

type Clear = (typeof SECRETS)[number];

/** Stores each secret sealed under its key, as an earlier deployment left them. */
async function createSecrets(secrets: Array<[Clear, Buffer]>): Promise<void> {
  await applyChanges(
    deps,
    secrets.map(([s, key]) => ({
      changeId: randomUUID(),
      actor: 'test-setup',
      action: 'config.create',
      target: { kind: 'config' as const, key: s.key, document: sealSecretEntry(entryOf(s), key).entry },
      expectedVersion: 0,
      reason: 'setup',
    })),
  );
}

const counts = async () => envelopeCountsByKey((await latestSecrets(db.pool)).map((s) => s.document));
const rowCount = async (table: string) =>
  Number((await db.pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]!.n);

beforeAll(async () => {
  db = await createTestDatabase();
  prefix = testRedisPrefix('secret-rewrap');
  redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: 2 });
  deps = { pool: db.pool, redis, keys: redisKeys(prefix), log: capturingLogger(logLines) };
  await publishSnapshots(deps);
  await createSecrets(SECRETS.map((s, i) => [s, i < UNDER_A ? A : B]));
  sdkKey = (await createSdkKey(deps, { env: 'production', scopes: ['secrets'], name: 'rotation', actor: 'test-setup' }))
    .key;
  await syncSdkKeysToRedis(deps);
  await startRingEvaluator('rotating', `${b64(B)},${b64(A)}`);
  await startRingEvaluator('newOnly', b64(B));
  for (const evaluator of Object.values(evaluators))
    await vi.waitFor(async () => expect((await readSecret(evaluator, 'probe')).status).toBe(404), { timeout: 5_000 });
}, 30_000);

afterAll(async () => {
  for (const evaluator of Object.values(evaluators)) await evaluator.close();
  await clearRedisPrefix(redis, prefix);
  redis?.disconnect();
  await db?.drop();
});

describe('rotating the master key', () => {
  it('refuses at boot, in one line naming both variables, a SECRETS_MASTER_KEY that is not the ring’s current key', async () => {
    const { status, out } = await rewrap(
      { SECRETS_MASTER_KEY: b64(A), SECRETS_MASTER_KEYS: `${b64(B)},${b64(A)}` },
      '--reason',
      'rotate',
    );
    expect(status).toBe(2);
    expect(out.trim().split('\n')).toEqual([
      `configuration error: SECRETS_MASTER_KEYS and SECRETS_MASTER_KEY disagree on the current key (SECRETS_MASTER_KEYS starts with ${masterKeyId(B)}, SECRETS_MASTER_KEY is ${masterKeyId(A)}): set SECRETS_MASTER_KEYS alone, or make its first key the one in SECRETS_MASTER_KEY (got 89 characters, not shown)`,
    ]);
  });

  it('before rewrap: the ring [B, A] serves secrets sealed under A; [B] alone names the key it lacks', async () => {
    const first = SECRETS[0]!;
    expect((await readSecret(evaluators.rotating!, first.key)).body.value).toBe(first.production);
    const refused = await readSecret(evaluators.newOnly!, first.key);
    expect(refused.status).toBe(500);
    expect(refused.body.errorDetails).toContain(`another master key (${masterKeyId(A)}), which the key ring lacks`);
    const last = SECRETS[UNDER_A]!;
    expect((await readSecret(evaluators.newOnly!, last.key)).body.value).toBe(last.production);
  });

  it('before rewrap: the CLI with the ring [B, A] opens envelopes under A (re-importing the same clear values changes nothing)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'switchyard-rewrap-'));
    try {
      const file = join(dir, 'secrets.json');
      await writeFile(file, JSON.stringify(SECRETS.map(entryOf)));
      const report = await importEntries(deps, file, { actor: 'cli:test', keyRing: keyRing([B, A]) });
      expect([report.applied, report.unchanged, report.warnings]).toEqual([0, SECRETS.length, []]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('doctor counts the envelopes under each key of the ring, and says when the old key may go', async () => {
    const before = await runDoctor(deps, [], { keyRing: keyRing([B, A]) });
    expect(before.lines.join('\n')).toMatch(new RegExp(`${masterKeyId(B)}\\s+2\\s+current`));
    expect(before.lines.join('\n')).toMatch(new RegExp(`${masterKeyId(A)}\\s+12\\s+older, in the ring`));
    expect(before.lines).toContain(
      `secrets: 12 envelopes are still under older key ${masterKeyId(A)}: run switchyard secret rewrap --reason "…" before dropping it`,
    );
    expect(before.problems).toEqual([]);
    // Seen with the ring [B] alone, A's envelopes are a problem: nothing with that ring opens them.
    const lacking = await runDoctor(deps, [], { keyRing: keyRing([B]) });
    expect(lacking.problems).toEqual([
      `secrets: 12 envelopes are under key ${masterKeyId(A)}, which the key ring lacks: no process with this ring opens them (add the key to SECRETS_MASTER_KEYS, or set those secrets again)`,
    ]);
  });

  it('an interrupted rewrap (--limit) resumes where it stopped; a second full run writes nothing', async () => {
    const ring = { SECRETS_MASTER_KEYS: `${b64(B)},${b64(A)}` };
    const partial = await rewrap(
      ring,
      '--reason',
      'rotate to B (SEC-12)',
      '--limit',
      '4',
      '--progress-every',
      '2',
      '--as',
      'ops',
    );
    expect(partial.out.trim().split('\n')).toEqual([
      're-wrapped 2 of 4 secrets…',
      're-wrapped 4 of 4 secrets…',
      `re-wrapped 4 secrets (8 envelopes) under the current key ${masterKeyId(B)}; 1 already under it; 2 left for the next run (--limit 4)`,
      'Run switchyard secret rewrap again to continue where it stopped (what is done stays done).',
    ]);
    expect(partial.status).toBe(1);
    expect(await counts()).toEqual(
      new Map([
        [masterKeyId(B), 10],
        [masterKeyId(A), 4],
      ]),
    );

    const rest = await rewrap(ring, '--reason', 'rotate to B (SEC-12)', '--as', 'ops');
    expect(rest.out.trim()).toBe(
      `re-wrapped 2 secrets (4 envelopes) under the current key ${masterKeyId(B)}; 5 already under it`,
    );
    expect(rest.status).toBe(0);
    expect(await counts()).toEqual(new Map([[masterKeyId(B), 14]]));

    const [audits, versions] = [await rowCount('audit_log'), await rowCount('config_versions')];
    const again = await rewrap(ring, '--reason', 'rotate to B (SEC-12)', '--as', 'ops');
    expect([again.status, again.out.trim()]).toEqual([
      0,
      `nothing to do: every secret (7) is already under the current key ${masterKeyId(B)}`,
    ]);
    expect([await rowCount('audit_log'), await rowCount('config_versions')]).toEqual([audits, versions]);
  }, 60_000);

  it('after rewrap: the ring [B] alone serves every secret, and doctor says A can be dropped', async () => {
    await caughtUp();
    for (const s of SECRETS) expect((await readSecret(evaluators.newOnly!, s.key)).body.value).toBe(s.production);
    const doctor = await switchyard({ SECRETS_MASTER_KEYS: `${b64(B)},${b64(A)}` }, 'doctor');
    expect(doctor.out).toMatch(new RegExp(`master key\\s+envelopes\\s+role\n${masterKeyId(B)}\\s+14\\s+current`));
    expect(doctor.out).toMatch(new RegExp(`\n${masterKeyId(A)}\\s+0\\s+older, in the ring\n`));
    expect(doctor.out).toContain(
      `secrets: no envelope is under older key ${masterKeyId(A)}: it can be dropped from SECRETS_MASTER_KEYS`,
    );
    expect(doctor.status).toBe(0);
  });

  it('each rewrap is an audited change by the operator with the reason, and nothing holds a clear value or a key', async () => {
    const { rows } = await db.pool.query<{ actor: string; action: string; reason: string; change_id: string }>(
      "SELECT actor, action, reason, change_id FROM audit_log WHERE action = 'config.secret.rewrap' ORDER BY id",
    );
    expect(rows).toHaveLength(UNDER_A);
    for (const row of rows) {
      expect([row.actor, row.reason]).toEqual(['cli:ops', 'rotate to B (SEC-12)']);
      expect(row.change_id).toMatch(new RegExp(`^secret-rewrap:${masterKeyId(B)}:rotation\\.secret-\\d@1$`));
    }
    const dumps = {
      ...(await dumpDatabase(db.pool)),
      ...(await dumpRedisPrefix(redis, prefix)),
      logs: logLines.join(''),
    };
    expect(
      placesHolding(
        SECRETS.flatMap((s) => [s.global, s.production]),
        dumps,
      ),
    ).toEqual([]);
    const keyText = [A, B].flatMap((key) => [key.toString('base64'), key.toString('hex')]);
    expect(Object.entries(dumps).filter(([, text]) => keyText.some((k) => text.includes(k)))).toEqual([]);
  });
});

describe('a secret under a key the ring lacks', () => {
  it('is reported by name and fingerprint, never rewritten, and does not stop the others', async () => {
    const C = randomBytes(32);
    const stray = { key: 'rotation.stray', global: `stray-${randomUUID()}`, production: `stray-prod-${randomUUID()}` };
    const pending = { key: 'rotation.pending', global: `pending-${randomUUID()}`, production: `p-${randomUUID()}` };
    await createSecrets([
      [stray, C],
      [pending, A],
    ]);
    const lines: string[] = [];
    const done = await runSecretRewrap(deps, keyRing([B, A]), {
      reason: 'rotate',
      actor: 'cli:ops',
      every: 10,
      print: (l) => lines.push(l),
    });
    expect(done).toBe(false);
    expect(lines).toEqual([
      `re-wrapped 1 secret (2 envelopes) under the current key ${masterKeyId(B)}; 7 already under it`,
      `not re-wrapped: secret rotation.stray: the global value is under master key ${masterKeyId(C)}, which the key ring lacks: add that key to SECRETS_MASTER_KEYS (after the current one) to re-wrap it`,
      'Fix what each line above names, then run switchyard secret rewrap again (what is done stays done).',
    ]);
    expect(await counts()).toEqual(
      new Map([
        [masterKeyId(B), 16],
        [masterKeyId(C), 2],
      ]),
    );
  });
});
