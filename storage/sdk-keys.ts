import { createHash, randomBytes } from 'node:crypto';
import { NotFoundError, ValidationError } from '../core/errors.js';
import { logAudit, recordAudit } from './audit.js';
import { withTransaction } from './db.js';
import type { StorageDeps } from './deps.js';
import { assertKnownEnvironments } from './environments.js';
import type { Invalidation, SdkKeyRecord } from './redis-keys.js';

export const SDK_KEY_SCOPES = ['flags', 'config', 'secrets'] as const;
export type SdkKeyScope = (typeof SDK_KEY_SCOPES)[number];

/** The only form of an SDK key that is ever stored (Postgres and Redis) and compared. */
export function hashSdkKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export interface SdkKeyRow extends SdkKeyRecord {
  createdBy: string;
  createdAt: string;
  revokedAt?: string;
}

async function announce(deps: StorageDeps): Promise<void> {
  const message: Invalidation = { kind: 'sdk-keys' };
  await deps.redis.publish(deps.keys.invalidations, JSON.stringify(message));
}

/**
 * Creates a key bound to one environment and returns it in clear — the only time it exists
 * outside the caller's hands: `sy_<env>_<32 random bytes, base64url>`. Stored as its sha256.
 */
export async function createSdkKey(
  deps: StorageDeps,
  input: { env: string; scopes: string[]; name: string; actor: string; reason?: string },
): Promise<{ key: string; record: SdkKeyRecord }> {
  const scopes = [...new Set(input.scopes)];
  const bad = scopes.filter((s) => !(SDK_KEY_SCOPES as readonly string[]).includes(s));
  if (!scopes.length || bad.length) {
    throw new ValidationError(`scopes must be one or more of ${SDK_KEY_SCOPES.join(', ')}${bad.length ? ` (got ${bad.join(', ')})` : ''}`);
  }
  if (!input.name.trim()) throw new ValidationError('an SDK key needs a name (e.g. the service using it)');
  await assertKnownEnvironments(deps.pool, [input.env]);

  const key = `sy_${input.env}_${randomBytes(32).toString('base64url')}`;
  const keyHash = hashSdkKey(key);
  const { record, audit } = await withTransaction(deps.pool, async (client) => {
    const { rows } = await client.query<{ id: string }>(
      'INSERT INTO sdk_keys (name, env, scopes, key_hash, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING id',
      [input.name, input.env, scopes, keyHash, input.actor],
    );
    const record: SdkKeyRecord = { id: rows[0]!.id, env: input.env, scopes: scopes as SdkKeyScope[], name: input.name };
    const audit = await recordAudit(client, {
      actor: input.actor,
      action: 'sdk-key.create',
      entityKind: 'sdk-key',
      entityKey: record.id,
      environment: input.env,
      reason: input.reason,
      detail: { name: input.name, scopes },
    });
    return { record, audit };
  });
  logAudit(deps.log, audit);
  await deps.redis.hset(deps.keys.sdkKeys, keyHash, JSON.stringify(record));
  await announce(deps);
  return { key, record };
}

/** Revokes a key: it stops working as soon as evaluators hear the invalidation. */
export async function revokeSdkKey(deps: StorageDeps, input: { id: string; actor: string; reason?: string }): Promise<void> {
  const { hash, audit } = await withTransaction(deps.pool, async (client) => {
    const { rows } = await client.query<{ key_hash: string; env: string; name: string }>(
      'UPDATE sdk_keys SET revoked_at = now() WHERE id::text = $1 AND revoked_at IS NULL RETURNING key_hash, env, name',
      [input.id],
    );
    const row = rows[0];
    if (!row) throw new NotFoundError(`no live SDK key with id ${input.id}`);
    const audit = await recordAudit(client, {
      actor: input.actor,
      action: 'sdk-key.revoke',
      entityKind: 'sdk-key',
      entityKey: input.id,
      environment: row.env,
      reason: input.reason,
      detail: { name: row.name },
    });
    return { hash: row.key_hash, audit };
  });
  logAudit(deps.log, audit);
  await deps.redis.hdel(deps.keys.sdkKeys, hash);
  await announce(deps);
}

export async function listSdkKeys(db: StorageDeps['pool'], options: { includeRevoked?: boolean } = {}): Promise<SdkKeyRow[]> {
  const { rows } = await db.query(
    `SELECT id, name, env, scopes, created_by, created_at, revoked_at FROM sdk_keys
     WHERE $1 OR revoked_at IS NULL ORDER BY created_at`,
    [options.includeRevoked ?? false],
  );
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    env: r.env,
    scopes: r.scopes,
    createdBy: r.created_by,
    createdAt: (r.created_at as Date).toISOString(),
    revokedAt: r.revoked_at ? (r.revoked_at as Date).toISOString() : undefined,
  }));
}

/** Rebuilds Redis's key table from Postgres (boot, repair): exactly the live keys, atomically. */
export async function syncSdkKeysToRedis(deps: StorageDeps): Promise<number> {
  const { rows } = await deps.pool.query<{ id: string; name: string; env: string; scopes: SdkKeyScope[]; key_hash: string }>(
    'SELECT id, name, env, scopes, key_hash FROM sdk_keys WHERE revoked_at IS NULL',
  );
  const multi = deps.redis.multi().del(deps.keys.sdkKeys);
  for (const r of rows) {
    const record: SdkKeyRecord = { id: r.id, env: r.env, scopes: r.scopes, name: r.name };
    multi.hset(deps.keys.sdkKeys, r.key_hash, JSON.stringify(record));
  }
  await multi.exec();
  await announce(deps);
  return rows.length;
}
