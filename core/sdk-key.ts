import { createHash } from 'node:crypto';

/** What an SDK key may read: flags over OFREP, dynamic config, secrets (docs/design.md#evaluator). */
export const SDK_KEY_SCOPES = ['flags', 'config', 'secrets'] as const;
export type SdkKeyScope = (typeof SDK_KEY_SCOPES)[number];

/**
 * A client key is bound to browser origins (`key create --origin`), so it ships in pages anyone can
 * read, and may only evaluate flags over OFREP; a server key reads whatever its scopes allow
 * (docs/design.md#evaluator).
 */
export type SdkKeyKind = 'server' | 'client';

/**
 * Derived from the origins rather than stored beside them, so the two can never disagree, and a
 * rotation, which keeps the origins, keeps the kind.
 */
export function sdkKeyKind(key: { readonly origins?: readonly string[] | undefined }): SdkKeyKind {
  return key.origins !== undefined && key.origins.length > 0 ? 'client' : 'server';
}

/** The only form of an SDK key that is ever stored (Postgres and Redis) and compared. */
export function hashSdkKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}
