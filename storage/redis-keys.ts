/** Every Redis key and channel Switchyard uses, under one prefix (REDIS_PREFIX). */
export function redisKeys(prefix: string) {
  return {
    /** JSON EnvSnapshot of one environment. */
    snapshot: (env: string) => `${prefix}:snapshot:${env}`,
    /** The version of that snapshot, read cheaply after a reconnect to detect missed invalidations. */
    snapshotVersion: (env: string) => `${prefix}:snapshot-version:${env}`,
    /** Hash: sha256(sdk key) → JSON SdkKeyRecord. */
    sdkKeys: `${prefix}:sdk-keys`,
    /** Sorted set: SDK key id → epoch ms it was last used (evaluators flush it in batches, never per request). */
    sdkKeyLastUsed: `${prefix}:sdk-key-last-used`,
    /** Pub/sub channel carrying Invalidation messages. */
    invalidations: `${prefix}:invalidations`,
  };
}
export type RedisKeys = ReturnType<typeof redisKeys>;

export type Invalidation = { kind: 'snapshot'; env: string; version: number } | { kind: 'sdk-keys' };

export interface SdkKeyRecord {
  id: string;
  env: string;
  scopes: Array<'flags' | 'config' | 'secrets'>;
  name: string;
  /** ISO time a rotated key stops working; evaluators enforce it per request, with no publish needed. */
  expiresAt?: string;
}
