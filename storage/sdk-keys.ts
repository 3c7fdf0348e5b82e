import { randomBytes } from 'node:crypto';
import { hashSdkKey, SDK_KEY_SCOPES, type SdkKeyScope } from '../core/sdk-key.js';
import { NotFoundError, ValidationError } from '../core/errors.js';
import { logAudit, recordAudit } from './audit.js';
import { readEpoch } from './database-epoch.js';
import { withTransaction, type PoolClient } from './db.js';
import type { StorageDeps } from './deps.js';
import { assertKnownEnvironments } from './environments.js';
import { checkedOrigins } from './sdk-key-origins.js';
import type { SdkKeyRecord } from './redis-keys.js';
import { publishKeyChange, recordOf } from './sdk-key-table.js';

// Redis's side of the key table moved to sdk-key-table.ts; these stay importable from here.
export { recordOf, syncSdkKeysToRedis } from './sdk-key-table.js';

function checkedScopes(input: string[]): SdkKeyScope[] {
  const scopes = [...new Set(input)];
  const bad = scopes.filter((s) => !(SDK_KEY_SCOPES as readonly string[]).includes(s));
  if (!scopes.length || bad.length) {
    throw new ValidationError(
      `scopes must be one or more of ${SDK_KEY_SCOPES.join(', ')}${bad.length ? ` (got ${bad.join(', ')})` : ''}`,
    );
  }
  return scopes as SdkKeyScope[];
}

/** A new clear key and its row; `sy_<env>_<32 random bytes, base64url>`. */
async function insertKey(
  client: PoolClient,
  input: { env: string; scopes: SdkKeyScope[]; name: string; origins: string[]; actor: string },
): Promise<{ key: string; keyHash: string; record: SdkKeyRecord }> {
  const key = `sy_${input.env}_${randomBytes(32).toString('base64url')}`;
  const keyHash = hashSdkKey(key);
  const { rows } = await client.query<{ id: string }>(
    'INSERT INTO sdk_keys (name, env, scopes, key_hash, created_by, allowed_origins) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id',
    [input.name, input.env, input.scopes, keyHash, input.actor, input.origins],
  );
  return {
    key,
    keyHash,
    record: recordOf({
      id: rows[0]!.id,
      env: input.env,
      scopes: input.scopes,
      name: input.name,
      allowed_origins: input.origins,
    }),
  };
}

interface LockedKey {
  id: string;
  name: string;
  env: string;
  scopes: string[];
  key_hash: string;
  revoked_at: Date | null;
  expires_at: Date | null;
  allowed_origins: string[];
}

/**
 * The key with this id, or with this unique id prefix (what `switchyard key list` shows is
 * enough to type), locked for the change. Refusals name what to type instead.
 */
async function lockKey(client: PoolClient, id: string): Promise<LockedKey> {
  const text = id.trim().toLowerCase();
  if (!/^[0-9a-f-]{4,36}$/.test(text))
    throw new ValidationError(`"${id}" is not an SDK key id: \`switchyard key list\` shows the ids`);
  const { rows } = await client.query<LockedKey>(
    `SELECT id, name, env, scopes, key_hash, revoked_at, expires_at, allowed_origins FROM sdk_keys WHERE id::text LIKE $1 || '%' ORDER BY created_at LIMIT 2 FOR UPDATE`,
    [text],
  );
  if (!rows.length) throw new NotFoundError(`no SDK key with id ${id}: \`switchyard key list\` shows the ids`);
  if (rows.length > 1)
    throw new ValidationError(
      `"${id}" is the start of more than one SDK key id (${rows.map((r) => r.id).join(', ')}, …): type more of it`,
    );
  return rows[0]!;
}

/**
 * Creates a key bound to one environment and returns it in clear — the only time it exists
 * outside the caller's hands. Stored as its sha256. `origins`: browser origins whose pages may
 * use it (exact, e.g. `https://app.example.com`).
 */
export async function createSdkKey(
  deps: StorageDeps,
  input: { env: string; scopes: string[]; name: string; origins?: string[]; actor: string; reason?: string },
): Promise<{ key: string; record: SdkKeyRecord }> {
  const scopes = checkedScopes(input.scopes);
  const origins = checkedOrigins(input.origins ?? []);
  if (!input.name.trim()) throw new ValidationError('an SDK key needs a name (e.g. the service using it)');
  await assertKnownEnvironments(deps.pool, [input.env]);

  const { created, audit, epoch } = await withTransaction(deps.pool, async (client) => {
    const created = await insertKey(client, { env: input.env, scopes, name: input.name, origins, actor: input.actor });
    const audit = await recordAudit(client, {
      actor: input.actor,
      action: 'sdk-key.create',
      entityKind: 'sdk-key',
      entityKey: created.record.id,
      environment: input.env,
      reason: input.reason,
      detail: { name: input.name, scopes, ...(origins.length ? { origins } : {}) },
    });
    return { created, audit, epoch: await readEpoch(client) };
  });
  logAudit(deps.log, audit);
  await publishKeyChange(deps, `SDK key ${created.record.id}`, epoch, (multi) =>
    multi.hset(deps.keys.sdkKeys, created.keyHash, JSON.stringify(created.record)),
  );
  return { key: created.key, record: created.record };
}

/**
 * Revokes a key (a live one, or one still in its rotation grace period): it is removed from
 * Redis and announced in the same step, so every running evaluator refuses it as soon as it
 * hears the announcement (well under a second).
 */
export async function revokeSdkKey(
  deps: StorageDeps,
  input: { id: string; actor: string; reason: string },
): Promise<SdkKeyRecord> {
  if (!input.reason?.trim())
    throw new ValidationError('say why the key is revoked: --reason "…" (e.g. "leaked in a build log")');
  const { row, audit, epoch } = await withTransaction(deps.pool, async (client) => {
    const row = await lockKey(client, input.id);
    if (row.revoked_at)
      throw new ValidationError(
        `SDK key ${row.id} ("${row.name}") was already revoked at ${row.revoked_at.toISOString()}`,
      );
    if (row.expires_at && row.expires_at.getTime() <= Date.now()) {
      throw new ValidationError(
        `SDK key ${row.id} ("${row.name}") already stopped working at ${row.expires_at.toISOString()} (rotated): nothing to revoke`,
      );
    }
    await client.query('UPDATE sdk_keys SET revoked_at = now(), revoked_by = $2, revoke_reason = $3 WHERE id = $1', [
      row.id,
      input.actor,
      input.reason,
    ]);
    const audit = await recordAudit(client, {
      actor: input.actor,
      action: 'sdk-key.revoke',
      entityKind: 'sdk-key',
      entityKey: row.id,
      environment: row.env,
      reason: input.reason,
      detail: { name: row.name, scopes: row.scopes },
    });
    return { row, audit, epoch: await readEpoch(client) };
  });
  logAudit(deps.log, audit);
  await publishKeyChange(deps, `the revocation of SDK key ${row.id}`, epoch, (multi) =>
    multi.hdel(deps.keys.sdkKeys, row.key_hash),
  );
  return recordOf(row);
}

/**
 * Replaces a key with a new one of the same environment, scopes, name and origins, printed once. The old
 * key keeps working for `graceMs` (so deployments can switch over), then stops: its record in
 * Redis carries `expiresAt`, which evaluators check on every request, so the end of the grace
 * period needs no publish. A grace of 0 stops the old key at once.
 */
export async function rotateSdkKey(
  deps: StorageDeps,
  input: { id: string; actor: string; graceMs: number; reason?: string },
): Promise<{ key: string; record: SdkKeyRecord; previous: SdkKeyRecord & { expiresAt: string } }> {
  if (!Number.isFinite(input.graceMs) || input.graceMs < 0)
    throw new ValidationError(`the grace period must be 0 or more (got ${input.graceMs} ms)`);
  const { created, previous, oldHash, audit, epoch } = await withTransaction(deps.pool, async (client) => {
    const row = await lockKey(client, input.id);
    if (row.revoked_at)
      throw new ValidationError(
        `SDK key ${row.id} ("${row.name}") was revoked at ${row.revoked_at.toISOString()}: create a new one with switchyard key create --env ${row.env}`,
      );
    if (row.expires_at) {
      throw new ValidationError(
        `SDK key ${row.id} ("${row.name}") was already rotated (it ${row.expires_at.getTime() > Date.now() ? 'stops' : 'stopped'} at ${row.expires_at.toISOString()}): rotate its successor (switchyard key list shows it)`,
      );
    }
    const created = await insertKey(client, {
      env: row.env,
      scopes: row.scopes as SdkKeyScope[],
      name: row.name,
      origins: row.allowed_origins,
      actor: input.actor,
    });
    const { rows } = await client.query<{ expires_at: Date }>(
      `UPDATE sdk_keys SET expires_at = now() + make_interval(secs => $2::double precision / 1000), replaced_by = $3 WHERE id = $1 RETURNING expires_at`,
      [row.id, input.graceMs, created.record.id],
    );
    const previous = {
      ...recordOf({ ...row, expires_at: rows[0]!.expires_at }),
      expiresAt: rows[0]!.expires_at.toISOString(),
    };
    const audit = await recordAudit(client, {
      actor: input.actor,
      action: 'sdk-key.rotate',
      entityKind: 'sdk-key',
      entityKey: row.id,
      environment: row.env,
      reason: input.reason,
      detail: { name: row.name, scopes: row.scopes, successor: created.record.id, oldKeyStopsAt: previous.expiresAt },
    });
    return { created, previous, oldHash: row.key_hash, audit, epoch: await readEpoch(client) };
  });
  logAudit(deps.log, audit);
  await publishKeyChange(deps, `the rotation of SDK key ${previous.id}`, epoch, (multi) => {
    multi.hset(deps.keys.sdkKeys, created.keyHash, JSON.stringify(created.record));
    multi.hset(deps.keys.sdkKeys, oldHash, JSON.stringify(previous));
  });
  return { key: created.key, record: created.record, previous };
}
