import { sdkKeyKind, type SdkKeyKind } from '../core/sdk-key.js';
import type { Queryable } from './db.js';
import type { StorageDeps } from './deps.js';
import type { SdkKeyRecord } from './redis-keys.js';
import { recordOf } from './sdk-keys.js';

// Reading keys for people (`switchyard key list`): what each key is and where it is in its life.

/** Where a key is in its life, at the time it was listed. */
export type SdkKeyState =
  | { state: 'active' }
  /** Rotated: still accepted until `until`, then refused; `successor` is the key that replaced it. */
  | { state: 'rotating'; until: string; successor?: string }
  /** Rotated and past its grace period. */
  | { state: 'expired'; at: string; successor?: string }
  | { state: 'revoked'; at: string; by?: string; reason?: string };

export interface SdkKeyRow extends SdkKeyRecord {
  /** Client when the key is bound to browser origins (docs/design.md#evaluator). */
  kind: SdkKeyKind;
  createdBy: string;
  createdAt: string;
  revokedAt?: string;
  lifecycle: SdkKeyState;
}

function lifecycleOf(
  row: {
    revoked_at: Date | null;
    revoked_by: string | null;
    revoke_reason: string | null;
    expires_at: Date | null;
    replaced_by: string | null;
  },
  now: number,
): SdkKeyState {
  if (row.revoked_at) {
    return {
      state: 'revoked',
      at: row.revoked_at.toISOString(),
      ...(row.revoked_by ? { by: row.revoked_by } : {}),
      ...(row.revoke_reason ? { reason: row.revoke_reason } : {}),
    };
  }
  if (row.expires_at) {
    const successor = row.replaced_by ? { successor: row.replaced_by } : {};
    return row.expires_at.getTime() > now
      ? { state: 'rotating', until: row.expires_at.toISOString(), ...successor }
      : { state: 'expired', at: row.expires_at.toISOString(), ...successor };
  }
  return { state: 'active' };
}

/**
 * Keys oldest first, never the key or its hash. By default only those that still work (active or
 * rotating); `includeRetired` adds revoked and expired ones.
 */
export async function listSdkKeys(
  db: Queryable,
  options: { env?: string; includeRetired?: boolean } = {},
): Promise<SdkKeyRow[]> {
  const { rows } = await db.query(
    `SELECT id, name, env, scopes, allowed_origins, created_by, created_at, revoked_at, revoked_by, revoke_reason, expires_at, replaced_by, now() AS now FROM sdk_keys
     WHERE ($1::text IS NULL OR env = $1) AND ($2 OR (revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())))
     ORDER BY created_at, id`,
    [options.env ?? null, options.includeRetired ?? false],
  );
  return rows.map((r) => ({
    ...recordOf(r),
    kind: sdkKeyKind({ origins: r.allowed_origins }),
    createdBy: r.created_by,
    createdAt: (r.created_at as Date).toISOString(),
    ...(r.revoked_at ? { revokedAt: (r.revoked_at as Date).toISOString() } : {}),
    lifecycle: lifecycleOf(r, (r.now as Date).getTime()),
  }));
}

/**
 * When each key was last used, as evaluators record it in Redis (to within their flush interval,
 * 30 s by default); keys never seen are absent. Undefined when Redis cannot be read.
 */
export async function sdkKeysLastUsed(
  deps: Pick<StorageDeps, 'redis' | 'keys'>,
  ids: string[],
): Promise<Map<string, string> | undefined> {
  if (!ids.length) return new Map();
  try {
    const scores = await deps.redis.zmscore(deps.keys.sdkKeyLastUsed, ...ids);
    const used = new Map<string, string>();
    ids.forEach((id, i) => {
      const score = scores[i];
      if (score !== null && score !== undefined) used.set(id, new Date(Number(score)).toISOString());
    });
    return used;
  } catch {
    return undefined;
  }
}
