/** Every Redis key and channel Switchyard uses, under one prefix (REDIS_PREFIX). */
export function redisKeys(prefix: string) {
  return {
    /**
     * Legacy: the whole JSON EnvSnapshot of one environment, written by publishers older than the
     * change feed. Current publishers delete it; readers never read it.
     */
    snapshot: (env: string) => `${prefix}:snapshot:${env}`,
    /**
     * Hash of one environment's served entries: field `flag:<key>` or `config:<key>` → the JSON of
     * that entry as the environment sees it (flagForEnv / configForEnv). Its version and epoch
     * are `snapshotVersion` and `snapshotEpoch`; all three change together in one Lua script.
     */
    entries: (env: string) => `${prefix}:entries:${env}`,
    /** The ISO time the environment's entries were last changed (the snapshot's generatedAt). */
    snapshotGeneratedAt: (env: string) => `${prefix}:snapshot-generated-at:${env}`,
    /**
     * Stream: the durable, versioned change feed (docs/design.md#change-feed), one entry per
     * environment per publication, trimmed to about CHANGE_FEED_MAX_LENGTH entries. Readers
     * resume from their last stream id; a version gap sends them to a full reload.
     */
    changeFeed: `${prefix}:changes`,
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
    /** Legacy pub/sub channel carrying Invalidation messages (superseded by `changeFeed`). */
    invalidations: `${prefix}:invalidations`,
  };
}
export type RedisKeys = ReturnType<typeof redisKeys>;

/**
 * One environment's published state: the entries hash and the three stamps beside it. Every
 * publisher writes all four in one Lua script, so the four never disagree; `inScriptOrder` is how
 * those scripts take them (KEYS[1..4]), one order for the delta and the full write alike.
 */
export function envKeys(keys: RedisKeys, env: string) {
  const entries = keys.entries(env);
  const version = keys.snapshotVersion(env);
  const epoch = keys.snapshotEpoch(env);
  const generatedAt = keys.snapshotGeneratedAt(env);
  return { entries, version, epoch, generatedAt, inScriptOrder: [entries, version, epoch, generatedAt] as const };
}
export type EnvKeys = ReturnType<typeof envKeys>;

/** `epoch` is absent only in messages from publishers older than epochs. */
export type Invalidation = { kind: 'snapshot'; env: string; version: number; epoch?: string } | { kind: 'sdk-keys' };

export interface SdkKeyRecord {
  id: string;
  env: string;
  scopes: Array<'flags' | 'config' | 'secrets'>;
  name: string;
  /** ISO time a rotated key stops working; evaluators enforce it per request, with no publish needed. */
  expiresAt?: string;
  /** Browser origins whose pages may use the key (CORS), besides EVALUATOR_CORS_ORIGINS; absent when none. */
  origins?: string[];
}
