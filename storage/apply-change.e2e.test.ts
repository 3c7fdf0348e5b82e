import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { Change } from '../core/change.js';
import { ConflictError, ValidationError } from '../core/errors.js';
import type { ConfigEntryInput } from '../core/model/config-entry.js';
import type { FlagDocument } from '../core/model/flag.js';
import { sealSecret } from '../core/secrets/envelope.js';
import type { EnvSnapshot } from '../core/snapshot.js';
import { type TestDatabase } from '../test/db.js';
import { useStorageHarness } from '../test/storage-harness.js';
import { readServedEntries } from '../test/redis-entries.js';
import { applyChange, buildSnapshot } from './apply-change.js';
import { auditTrail } from './audit.js';
import { getConfig } from './configs.js';
import type { StorageDeps } from './deps.js';
import { flagHistory, getFlag } from './flags.js';
import { type Invalidation } from './redis-keys.js';
import { writeSnapshot } from './snapshot-publisher.js';

const seedFlag = JSON.parse(
  readFileSync(new URL('../test/fixtures/seed-flag.json', import.meta.url), 'utf8'),
) as FlagDocument;

let db: TestDatabase;
let redis: Redis;
let deps: StorageDeps;
useStorageHarness('storage-apply', (h) => ({ db, redis, deps } = h));

function flagChange(
  key: string,
  document: Partial<FlagDocument>,
  expectedVersion: number,
  extra: Partial<Change> = {},
): Change {
  return {
    changeId: randomUUID(),
    actor: 'U_ALICE',
    action: expectedVersion === 0 ? 'flag.create' : 'flag.update',
    target: { kind: 'flag', key, document: { ...seedFlag, ...document, key } as FlagDocument },
    expectedVersion,
    reason: 'testing',
    ...extra,
  };
}

function configChange(document: ConfigEntryInput, expectedVersion: number): Change {
  return {
    changeId: randomUUID(),
    actor: 'U_ALICE',
    action: 'config.set',
    target: { kind: 'config', key: document.key, document: document as never },
    expectedVersion,
  };
}

async function count(table: string, where = 'true', params: unknown[] = []): Promise<number> {
  const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`, params);
  return rows[0].n;
}

describe('applying a change', () => {
  it('a create then an update writes versions 1 and 2 and keeps both', async () => {
    const key = 'history.kept';
    const created = await applyChange(deps, flagChange(key, {}, 0));
    const updated = await applyChange(
      deps,
      flagChange(key, { environments: { production: { killed: true } } as never }, 1),
    );

    expect([created.version, updated.version]).toEqual([1, 2]);
    const history = await flagHistory(db.pool, key);
    expect(history.map((v) => [v.version, v.changeId])).toEqual([
      [2, updated.changeId],
      [1, created.changeId],
    ]);
    expect(history[1]!.document.environments).toEqual({});
    expect((await getFlag(db.pool, key))!.document.environments.production!.killed).toBe(true);

    const [audit] = await auditTrail(db.pool, { entityKey: key, limit: 1 });
    expect(audit!.changeId).toBe(updated.changeId);
    expect(audit!.diff).toMatchObject({
      'environments.production': { old: null, new: expect.objectContaining({ killed: true }) },
    });
  });

  it('a stale expected version fails as a conflict naming both versions and writes nothing', async () => {
    const key = 'stale.write';
    await applyChange(deps, flagChange(key, {}, 0));
    await applyChange(deps, flagChange(key, { description: 'second' }, 1));
    const before = [await count('flag_versions'), await count('audit_log'), await count('applied_changes')];

    const stale = applyChange(deps, flagChange(key, { description: 'based on version 1' }, 1));
    await expect(stale).rejects.toBeInstanceOf(ConflictError);
    await expect(stale).rejects.toThrow(`flag ${key} changed since the request: expected version 1, found 2`);

    expect([await count('flag_versions'), await count('audit_log'), await count('applied_changes')]).toEqual(before);
    expect((await getFlag(db.pool, key))!.document.description).toBe('second');
  });

  it('creating an entry that already exists is a conflict', async () => {
    const key = 'created.twice';
    await applyChange(deps, flagChange(key, {}, 0));
    await expect(applyChange(deps, flagChange(key, {}, 0))).rejects.toThrow(`flag ${key} already exists (version 1)`);
  });

  it('the same change id applied twice applies once', async () => {
    const key = 'applied.once';
    const change = flagChange(key, {}, 0);
    const first = await applyChange(deps, change);
    const retry = await applyChange(deps, change);

    expect(first.applied).toBe(true);
    expect(retry).toEqual({ ...first, applied: false });
    expect(await count('flag_versions', 'key = $1', [key])).toBe(1);
    expect(await count('audit_log', 'change_id = $1', [change.changeId])).toBe(1);
  });

  it("writes each touched environment's entry with its new version and that environment's state, and announces it", async () => {
    const subscriber = new Redis('redis://127.0.0.1:6379');
    const messages: Invalidation[] = [];
    subscriber.on('message', (_channel, message) => messages.push(JSON.parse(message)));
    await subscriber.subscribe(deps.keys.invalidations);
    try {
      const key = 'snapshot.served';
      await applyChange(deps, flagChange(key, {}, 0));
      const result = await applyChange(
        deps,
        flagChange(
          key,
          { environments: { production: { killed: true }, dev: { serve: { serve: 'rust_engine' } } } as never },
          1,
        ),
      );

      const production = await readServedEntries(redis, deps.keys, 'production');
      expect(production.version).toBe(result.snapshots.production);
      expect(production.flags[key]!.environments).toEqual({ production: expect.objectContaining({ killed: true }) });
      const dev = await readServedEntries(redis, deps.keys, 'dev');
      expect(dev.version).toBe(result.snapshots.dev);
      expect(dev.flags[key]!.environments).toEqual({
        dev: expect.objectContaining({ serve: { serve: 'rust_engine' } }),
      });
      // Staging's state did not change, so neither did its version.
      expect(result.snapshots.staging).toBeUndefined();

      expect(production.epoch).toMatch(/^[0-9a-f-]{36}$/);
      await expect
        .poll(() => messages)
        .toContainEqual({
          kind: 'snapshot',
          env: 'production',
          version: result.snapshots.production,
          epoch: production.epoch,
        });
    } finally {
      subscriber.disconnect();
    }
  });

  it('an older snapshot never replaces a newer one in Redis', async () => {
    await applyChange(deps, flagChange('snapshot.order', {}, 0));
    const current = await buildSnapshot(db.pool, 'staging');
    const older: EnvSnapshot = { ...current, version: current.version - 1, flags: {} };

    expect(await writeSnapshot(deps, older)).toBe(false);
    const stored = await readServedEntries(redis, deps.keys, 'staging');
    expect(stored.version).toBe(current.version);
    expect(stored.flags['snapshot.order']).toBeDefined();
  });

  it('commits the change even when Redis is unreachable afterwards', async () => {
    const deadRedis = new Redis({
      port: 1,
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    deadRedis.on('error', () => undefined);
    try {
      const result = await applyChange({ ...deps, redis: deadRedis }, flagChange('redis.down', {}, 0));
      expect(result.applied).toBe(true);
      expect((await getFlag(db.pool, 'redis.down'))!.version).toBe(1);
    } finally {
      deadRedis.disconnect();
    }
  });

  it('writes one structured log line per audit row, saying who, what, where and why', async () => {
    const lines: Array<Record<string, any>> = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    });
    const change = flagChange('logged.change', {}, 0, { environment: 'production', ticket: 'OPS-7', reason: 'launch' });
    await applyChange({ ...deps, log: pino({ level: 'info' }, sink) }, change);

    const auditLines = lines.filter((l) => l.audit);
    expect(auditLines).toHaveLength(1);
    expect(auditLines[0]!.audit).toMatchObject({
      actor: 'U_ALICE',
      action: 'flag.create',
      entityKey: 'logged.change',
      environment: 'production',
      reason: 'launch',
      ticket: 'OPS-7',
      changeId: change.changeId,
    });
  });

  it('refuses a document whose key differs from the target', async () => {
    const change = flagChange('target.key', {}, 0);
    change.target.document = { ...change.target.document, key: 'other.key' } as FlagDocument;
    await expect(applyChange(deps, change)).rejects.toThrow('the document\'s key is "other.key"');
  });

  it('refuses a flag state for an environment that does not exist, naming the known ones', async () => {
    const change = flagChange('unknown.env', { environments: { prod: { killed: true } } as never }, 0);
    await expect(applyChange(deps, change)).rejects.toThrow('"prod" unknown: must be one of dev, staging, production');
  });
});

describe('applying a config change', () => {
  it('a config value of the wrong type is refused with a clear message and nothing is written', async () => {
    const change = configChange({ key: 'http.timeout_ms', valueType: 'int', value: 'ten' }, 0);
    const attempt = applyChange(deps, change);
    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    await expect(attempt).rejects.toThrow('config http.timeout_ms: value must be an integer (got "ten")');
    expect(await getConfig(db.pool, 'http.timeout_ms')).toBeUndefined();
  });

  it('a scoped value is checked too, and names its scope', async () => {
    const change = configChange(
      {
        key: 'search.mode',
        valueType: 'enum',
        enumValues: ['fast', 'exact'],
        value: 'fast',
        scopes: [{ env: 'staging', value: 'fuzzy' }],
      },
      0,
    );
    await expect(applyChange(deps, change)).rejects.toThrow(
      'scopes[0] (env staging) value must be one of fast, exact (got "fuzzy")',
    );
  });

  it('a json value must satisfy the entry schema', async () => {
    const schema = { type: 'object', properties: { retries: { type: 'integer' } }, required: ['retries'] };
    await expect(
      applyChange(deps, configChange({ key: 'retry.policy', valueType: 'json', schema, value: { tries: 3 } }, 0)),
    ).rejects.toThrow("must have required property 'retries'");
    const ok = await applyChange(
      deps,
      configChange({ key: 'retry.policy', valueType: 'json', schema, value: { retries: 3 } }, 0),
    );
    expect(ok.version).toBe(1);
  });

  it('serves only the scopes that apply in each environment, and secrets only as marked, sealed entries', async () => {
    await applyChange(
      deps,
      configChange(
        {
          key: 'page.size',
          valueType: 'int',
          value: 20,
          scopes: [
            { env: 'production', value: 50 },
            { tenant: 'acme', value: 10 },
          ],
        },
        0,
      ),
    );
    const envelope = sealSecret(randomBytes(32), 'xyz-clear', { key: 'db.password' });
    await applyChange(
      deps,
      configChange({ key: 'db.password', valueType: 'string', secret: true, value: envelope }, 0),
    );

    const dev = await buildSnapshot(db.pool, 'dev');
    expect(dev.configs['page.size']!.scopes).toEqual([{ tenant: 'acme', value: 10 }]);
    // The evaluator needs the envelope to answer /v1/secrets; the flag marks it so /v1/config refuses it.
    expect(dev.configs['db.password']).toMatchObject({ secret: true, value: envelope });
    const [audit] = await auditTrail(db.pool, { entityKey: 'db.password' });
    expect(JSON.stringify(audit!.diff)).not.toContain(envelope.ciphertext);
  });
});
