import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importEntries } from '../../cli/import-command.js';
import { planChange } from '../../core/change/plan/index.js';
import type { ConfigEntry } from '../../core/model/config-entry.js';
import { openSecret, sealSecret } from '../../core/secrets/envelope.js';
import { keyRing } from '../../core/secrets/keyring.js';
import { applyChange } from '../../storage/apply-change.js';
import { getConfig } from '../../storage/configs.js';
import type { StorageDeps } from '../../storage/deps.js';
import { redisKeys } from '../../storage/redis-keys.js';
import { clearRedisPrefix, createTestDatabase, testRedisPrefix, type TestDatabase } from '../db.js';
import { capturingLogger, dumpDatabase, dumpRedisPrefix, placesHolding } from '../secret-leaks.js';

/**
 * Property (c) of the safety promises: a secret's clear value never appears in Postgres (any
 * column of any table, audit rows included), in Redis (any key, any pub/sub message), in the
 * logs, or in what the import prints — whether it came in through `switchyard import` (plain
 * value, sealed there) or through a change request (sealed in the Slack dialog, then applied).
 * Temporal histories are checked by the Slack end-to-end test, which drives the workflow; the
 * import and the storage write path never touch Temporal.
 *
 * Seeded and bounded (it runs against real services): a failure prints its seed; replay with
 * FC_SEED=<seed>, widen with FC_RUNS.
 */
const SEED = Number(process.env.FC_SEED ?? 20_260_307);
const RUNS = Number(process.env.FC_RUNS ?? 8);
const MASTER = randomBytes(32);
const ENVIRONMENTS = ['dev', 'staging', 'production'];

let db: TestDatabase;
let redis: Redis;
let subscriber: Redis;
let prefix: string;
let deps: StorageDeps;
let dir: string;
const logLines: string[] = [];
const published: string[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  prefix = testRedisPrefix('secret-property');
  redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: 2 });
  subscriber = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: 2 });
  subscriber.on('pmessage', (_pattern, channel, message) => published.push(`${channel} ${message}`));
  await subscriber.psubscribe(`${prefix}:*`);
  deps = { pool: db.pool, redis, keys: redisKeys(prefix), log: capturingLogger(logLines) };
  dir = await mkdtemp(join(tmpdir(), 'switchyard-secret-property-'));
});

afterAll(async () => {
  subscriber?.disconnect();
  await clearRedisPrefix(redis, prefix);
  redis?.disconnect();
  await db?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/**
 * Secret values of every shape a person might paste: printable text, any unicode, JSON-looking
 * text, characters that need escaping, long strings. Each carries a random marker, so a search
 * for it cannot match by accident and still finds a value cut short or escaped differently.
 */
const body = fc.oneof(
  fc.string({ unit: 'grapheme-ascii', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.json({ maxDepth: 2 }),
  fc.constantFrom(
    '"',
    '\\',
    '\n\t\r',
    '{"v":1,"alg":"AES-256-GCM"}',
    '</script><b>',
    "' OR 1=1 --",
    '${SECRETS_MASTER_KEY}',
    'null',
  ),
  fc.string({ unit: 'grapheme-ascii', minLength: 1_000, maxLength: 4_000 }),
);
const secretValue = fc
  .tuple(fc.uint8Array({ minLength: 8, maxLength: 8 }), body)
  .map(([marker, text]) => `leak-${Buffer.from(marker).toString('hex')}-${text}`);

const valuesArb = fc.record({
  global: secretValue,
  production: secretValue,
  tenant: secretValue,
  staging: secretValue,
  rotated: secretValue,
});

let run = 0;

describe('a secret is never stored, logged, published or printed in clear', () => {
  it('through import (sealed there) and through a change request (sealed before), for any value', async () => {
    await fc.assert(
      fc.asyncProperty(valuesArb, async (values) => {
        const key = `secret-${++run}`;
        const outputs: string[] = [];
        const file = join(dir, `${key}.json`);
        const entry = (production: string) => ({
          key,
          type: 'config',
          valueType: 'string',
          secret: true,
          value: values.global,
          scopes: [
            { env: 'production', value: production },
            { env: 'production', tenant: 'acme', value: values.tenant },
          ],
        });

        // 1. Import of a new secret with plain values.
        await writeFile(file, JSON.stringify([entry(values.production)]));
        outputs.push(
          JSON.stringify(await importEntries(deps, file, { actor: 'cli:property', keyRing: keyRing([MASTER]) })),
        );

        // 2. A change request: the value sealed in the dialog, planned and applied as the workflow does.
        const current = (await getConfig(db.pool, key))!;
        const plan = planChange(
          {
            name: 'config.secret.set',
            key,
            env: 'staging',
            envelope: sealSecret(MASTER, values.staging, { key, env: 'staging' }),
          },
          { current: current.document, version: current.version, environments: ENVIRONMENTS, now: new Date() },
        );
        outputs.push(plan.summary);
        await applyChange(deps, {
          changeId: randomUUID(),
          actor: 'U_PROP',
          action: plan.action,
          target: plan.target!,
          expectedVersion: plan.expectedVersion,
          environment: 'staging',
          reason: 'rotate',
          approvedBy: 'U_OTHER',
        });

        // 3. Re-import with the production value rotated: an update, whose diff is printed.
        // The file carries the staging envelope as an export would: it passes through, sealed once.
        const staging = (plan.target!.document as ConfigEntry).scopes.filter((s) => s.env === 'staging');
        const rotated = entry(values.rotated);
        await writeFile(file, JSON.stringify([{ ...rotated, scopes: [...rotated.scopes, ...staging] }]));
        outputs.push(
          JSON.stringify(await importEntries(deps, file, { actor: 'cli:property', keyRing: keyRing([MASTER]) })),
        );

        const dumps = {
          ...(await dumpDatabase(db.pool)),
          ...(await dumpRedisPrefix(redis, prefix)),
          'redis pub/sub': published.join('\n'),
          logs: logLines.join(''),
          'import output': outputs.join('\n'),
        };
        expect(placesHolding(Object.values(values), dumps)).toEqual([]);

        // What is stored is the right value, sealed (so "nowhere in clear" is not true by losing it).
        const stored = (await getConfig(db.pool, key))!.document;
        const opened = (env?: string, tenant?: string) =>
          openSecret(MASTER, stored.scopes.find((s) => s.env === env && s.tenant === tenant)!.value, {
            key,
            ...(env ? { env } : {}),
            ...(tenant ? { tenant } : {}),
          });
        expect(openSecret(MASTER, stored.value, { key })).toBe(values.global);
        expect([opened('production'), opened('production', 'acme'), opened('staging')]).toEqual([
          values.rotated,
          values.tenant,
          values.staging,
        ]);
      }),
      // Shrinking replays against real services: bounded, it still reports the smallest case found in time.
      { seed: SEED, numRuns: RUNS, interruptAfterTimeLimit: 40_000, markInterruptAsFailure: true },
    );
  }, 60_000);
});
