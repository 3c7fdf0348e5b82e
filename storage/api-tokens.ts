import { createHash, randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { NotFoundError, ValidationError } from '../core/errors.js';
import { logAudit, recordAudit } from './audit.js';
import { withTransaction, type Pool, type Queryable } from './db.js';

/** What `switchyard token list` shows of a token: never the token or its hash. */
export interface ApiTokenRecord {
  id: string;
  principal: string;
  name: string;
  createdBy: string;
  createdAt: string;
  expiresAt?: string;
  revokedAt?: string;
  revokedBy?: string;
  revokeReason?: string;
  lastUsedAt?: string;
}

/** Who a bearer token speaks for, or why it speaks for nobody. */
export type TokenCheck =
  { ok: true; principal: string; tokenId: string } | { ok: false; reason: 'unknown' | 'expired' | 'revoked' };

/** `syt_` and 32 random bytes: recognisable in a leaked log, long enough that its sha256 is a safe lookup key. */
const TOKEN_PATTERN = /^syt_[A-Za-z0-9_-]{43}$/;

/** The only form of an API token that is ever stored or compared. */
export const hashApiToken = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

function recordOf(r: Record<string, unknown>): ApiTokenRecord {
  const at = (v: unknown) => (v instanceof Date ? v.toISOString() : undefined);
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const optional = {
    expiresAt: at(r.expires_at),
    revokedAt: at(r.revoked_at),
    revokedBy: text(r.revoked_by),
    revokeReason: text(r.revoke_reason),
    lastUsedAt: at(r.last_used_at),
  };
  return {
    id: r.id as string,
    principal: r.principal as string,
    name: r.name as string,
    createdBy: r.created_by as string,
    createdAt: at(r.created_at)!,
    ...Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)),
  };
}

/**
 * Creates a token acting as `principal` and returns it in clear — the only time it exists outside
 * the caller's hands. The creation is audited in the same transaction.
 */
export async function createApiToken(
  deps: { pool: Pool; log: Logger },
  input: { principal: string; name: string; actor: string; expiresInMs?: number; reason?: string; now?: Date },
): Promise<{ token: string; record: ApiTokenRecord }> {
  const principal = input.principal.trim();
  if (!/^\S+$/.test(principal))
    throw new ValidationError(
      `--principal must be one principal id without spaces, as role bindings name it (e.g. U0123ABCD or svc:deploy-bot), got "${input.principal}"`,
    );
  if (!input.name.trim()) throw new ValidationError('a token needs a name saying what uses it (e.g. --name ci-deploy)');
  if (input.expiresInMs !== undefined && !(input.expiresInMs > 0))
    throw new ValidationError('--expires must be a duration longer than 0, e.g. 90d');
  const token = `syt_${randomBytes(32).toString('base64url')}`;
  const expiresAt =
    input.expiresInMs === undefined ? null : new Date((input.now ?? new Date()).getTime() + input.expiresInMs);
  const { record, audit } = await withTransaction(deps.pool, async (client) => {
    const { rows } = await client.query(
      'INSERT INTO api_tokens (principal, name, token_hash, created_by, expires_at) VALUES ($1, $2, $3, $4, $5) RETURNING *',
      [principal, input.name.trim(), hashApiToken(token), input.actor, expiresAt],
    );
    const record = recordOf(rows[0]);
    const audit = await recordAudit(client, {
      actor: input.actor,
      action: 'api-token.create',
      entityKind: 'api-token',
      entityKey: record.id,
      reason: input.reason,
      detail: { principal, name: record.name, ...(record.expiresAt ? { expiresAt: record.expiresAt } : {}) },
    });
    return { record, audit };
  });
  logAudit(deps.log, audit);
  return { token, record };
}

/** Revokes a token by id (or a unique id prefix, as `switchyard token list` shows it); audited. */
export async function revokeApiToken(
  deps: { pool: Pool; log: Logger },
  input: { id: string; actor: string; reason: string },
): Promise<ApiTokenRecord> {
  const id = input.id.trim().toLowerCase();
  if (!/^[0-9a-f-]{4,36}$/.test(id))
    throw new ValidationError(`"${input.id}" is not an API token id: \`switchyard token list\` shows the ids`);
  if (!input.reason.trim()) throw new ValidationError('a revocation needs --reason "<why>" for the audit log');
  const { record, audit } = await withTransaction(deps.pool, async (client) => {
    const { rows } = await client.query(
      `SELECT * FROM api_tokens WHERE id::text LIKE $1 || '%' ORDER BY created_at LIMIT 2 FOR UPDATE`,
      [id],
    );
    if (!rows.length)
      throw new NotFoundError(`no API token with id ${input.id}: \`switchyard token list\` shows the ids`);
    if (rows.length > 1)
      throw new ValidationError(`"${input.id}" is the start of more than one token id: type more of it`);
    const found = recordOf(rows[0]);
    if (found.revokedAt)
      throw new ValidationError(
        `API token ${found.id} was already revoked at ${found.revokedAt}${found.revokedBy ? ` by ${found.revokedBy}` : ''}`,
      );
    const updated = await client.query(
      'UPDATE api_tokens SET revoked_at = now(), revoked_by = $2, revoke_reason = $3 WHERE id = $1 RETURNING *',
      [found.id, input.actor, input.reason],
    );
    const record = recordOf(updated.rows[0]);
    const audit = await recordAudit(client, {
      actor: input.actor,
      action: 'api-token.revoke',
      entityKind: 'api-token',
      entityKey: record.id,
      reason: input.reason,
      detail: { principal: record.principal, name: record.name },
    });
    return { record, audit };
  });
  logAudit(deps.log, audit);
  return record;
}

/** Every token, newest first (never the token or its hash). */
export async function listApiTokens(db: Queryable, options: { principal?: string } = {}): Promise<ApiTokenRecord[]> {
  const { rows } = await db.query(
    'SELECT * FROM api_tokens WHERE ($1::text IS NULL OR principal = $1) ORDER BY created_at DESC',
    [options.principal ?? null],
  );
  return rows.map(recordOf);
}

/**
 * Who a presented token acts as. Expired and revoked tokens are told apart from unknown ones, so
 * the caller hears what to do (create a new one) rather than "wrong token".
 */
export async function checkApiToken(db: Queryable, token: string, now: Date = new Date()): Promise<TokenCheck> {
  if (!TOKEN_PATTERN.test(token)) return { ok: false, reason: 'unknown' };
  const { rows } = await db.query(
    'SELECT id, principal, expires_at, revoked_at, last_used_at FROM api_tokens WHERE token_hash = $1',
    [hashApiToken(token)],
  );
  const row = rows[0] as
    | { id: string; principal: string; expires_at: Date | null; revoked_at: Date | null; last_used_at: Date | null }
    | undefined;
  if (!row) return { ok: false, reason: 'unknown' };
  if (row.revoked_at) return { ok: false, reason: 'revoked' };
  if (row.expires_at && row.expires_at.getTime() <= now.getTime()) return { ok: false, reason: 'expired' };
  if (!row.last_used_at || now.getTime() - row.last_used_at.getTime() > 60_000) {
    await db.query('UPDATE api_tokens SET last_used_at = $2 WHERE id = $1', [row.id, now]);
  }
  return { ok: true, principal: row.principal, tokenId: row.id };
}
