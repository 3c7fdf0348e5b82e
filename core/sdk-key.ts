import { createHash } from 'node:crypto';

/** What an SDK key may read: flags over OFREP, dynamic config, secrets (docs/design.md#evaluator). */
export const SDK_KEY_SCOPES = ['flags', 'config', 'secrets'] as const;
export type SdkKeyScope = (typeof SDK_KEY_SCOPES)[number];

/** The only form of an SDK key that is ever stored (Postgres and Redis) and compared. */
export function hashSdkKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}
