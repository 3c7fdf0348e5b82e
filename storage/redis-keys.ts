/** Every Redis key and channel Switchyard uses, under one prefix (REDIS_PREFIX). */
export function redisKeys(prefix: string) {
  return {
    /** JSON EnvSnapshot of one environment. */
    snapshot: (env: string) => `${prefix}:snapshot:${env}`,
    /** The version of that snapshot, read cheaply after a reconnect to detect missed invalidations. */
    snapshotVersion: (env: string) => `${prefix}:snapshot-version:${env}`,
    /** The epoch (database identity) of that snapshot: a version only outranks another of the same epoch. */
    snapshotEpoch: (env: string) => `${prefix}:snapshot-epoch:${env}`,
    /** Hash: sha256(sdk key) → JSON SdkKeyRecord. */
    sdkKeys: `${prefix}:sdk-keys`,
    /**
     * The epoch of the database the whole key table was last synced from. Set only by a full sync,
     * so its absence tells "Redis lost the table" (or holds only keys created since) from "no keys".
     */
    sdkKeysEpoch: `${prefix}:sdk-keys-epoch`,
    /** The repair loop's lease (SET NX PX): one process at a time checks Redis against Postgres. */
    repairLease: `${prefix}:repair-lease`,
    /** Sorted set: SDK key id → epoch ms it was last used (evaluators flush it in batches, never per request). */
    sdkKeyLastUsed: `${prefix}:sdk-key-last-used`,
    /** Pub/sub channel carrying Invalidation messages. */
    invalidations: `${prefix}:invalidations`,
  };
}
export type RedisKeys = ReturnType<typeof redisKeys>;

/** `epoch` is absent only in messages from publishers older than epochs. */
export type Invalidation = { kind: 'snapshot'; env: string; version: number; epoch?: string } | { kind: 'sdk-keys' };

export interface SdkKeyRecord {
  id: string;
  env: string;
  scopes: Array<'flags' | 'config' | 'secrets'>;
  name: string;
  /** ISO time a rotated key stops working; evaluators enforce it per request, with no publish needed. */
  expiresAt?: string;
}
