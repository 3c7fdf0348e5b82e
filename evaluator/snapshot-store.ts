import type { Redis } from 'ioredis';
import type { Logger } from '../core/logger.js';
import type { CompiledSnapshot } from '../core/engine/types.js';
import { emptySnapshot, type EnvSnapshot } from '../core/snapshot.js';
import type { Invalidation, RedisKeys, SdkKeyRecord } from '../storage/redis-keys.js';
import { SdkKeyTable } from './sdk-key-table.js';

export type CompileFn = (snapshot: EnvSnapshot) => CompiledSnapshot;

export interface SnapshotStoreOptions {
  /** Command connection; create it with `enableOfflineQueue: false` and a low `maxRetriesPerRequest`. */
  redis: Redis;
  /** A second connection, used only for pub/sub (a subscribed connection cannot run commands). */
  subscriber: Redis;
  keys: RedisKeys;
  compile: CompileFn;
  log: Logger;
  /** Environments to load even when no SDK key references them yet. */
  environments?: readonly string[];
  /** Slow safety poll of snapshot versions, in ms (default 5 s, 0 turns it off): a net under pub/sub. */
  pollIntervalMs?: number;
}

/** One environment's snapshot as served: compiled for the hot path, plus what the routes need besides. */
export interface HeldSnapshot {
  compiled: CompiledSnapshot;
  /** Config keys that are secrets: never served on /v1/config. */
  secretConfigs: ReadonlySet<string>;
  generatedAt: string;
}

export interface StoreStatus {
  redisConnected: boolean;
  /** True once every known environment has been read from Redis at least once. */
  loaded: boolean;
  /** Epoch ms of the last full comparison with Redis that succeeded. */
  lastSyncAt: number | undefined;
  versions: Record<string, number>;
}

/**
 * Holds every environment's compiled snapshot and the SDK key table in memory, so the request
 * path never talks to Redis (SPEC §8). Redis is read at start, on each invalidation, after every
 * (re)connect and on a slow poll: pub/sub drops messages while disconnected, so invalidations
 * alone would leave a stale snapshot after an outage (FIELD-NOTES, Redis).
 */
export class SnapshotStore {
  private readonly snapshots = new Map<string, HeldSnapshot>();
  private readonly knownEnvs = new Set<string>();
  private keyTable = SdkKeyTable.empty();
  private lastSyncAt: number | undefined;
  private loaded = false;
  private syncing: Promise<void> | undefined;
  private syncAgain = false;
  private wasConnected = false;
  private timer: NodeJS.Timeout | undefined;
  private resolveLoaded!: () => void;
  private readonly loadedOnce = new Promise<void>((resolve) => (this.resolveLoaded = resolve));
  private readonly detach: Array<() => void> = [];
  private started = false;

  constructor(private readonly options: SnapshotStoreOptions) {
    for (const env of options.environments ?? []) this.knownEnvs.add(env);
  }

  /** Resolves once every known environment has been loaded; keeps retrying through Redis outages. */
  start(): Promise<void> {
    if (this.started) return this.loadedOnce;
    this.started = true;
    const { redis, subscriber } = this.options;
    this.listen(redis, 'ready', () => void this.sync('connected', true));
    this.listen(redis, 'close', () => this.noteDisconnect());
    this.listen(redis, 'error', (error: Error) => this.options.log.debug({ err: error }, 'redis command connection error'));
    this.listen(subscriber, 'ready', () => void this.subscribe());
    this.listen(subscriber, 'close', () => this.noteDisconnect());
    this.listen(subscriber, 'error', (error: Error) => this.options.log.debug({ err: error }, 'redis subscriber error'));
    this.listen(subscriber, 'message', (channel: string, message: string) => {
      if (channel === this.options.keys.invalidations) void this.onInvalidation(message);
    });
    if (redis.status === 'ready') void this.sync('start', true);
    if (subscriber.status === 'ready') void this.subscribe();
    const poll = this.options.pollIntervalMs ?? 5_000;
    if (poll > 0) {
      this.timer = setInterval(() => {
        if (redis.status === 'ready') void this.sync('poll', false);
      }, poll);
      this.timer.unref();
    }
    return this.loadedOnce;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    for (const undo of this.detach.splice(0)) undo();
  }

  get(env: string): HeldSnapshot | undefined {
    return this.snapshots.get(env);
  }

  findSdkKey(clearKey: string): SdkKeyRecord | undefined {
    return this.keyTable.lookup(clearKey);
  }

  get redisConnected(): boolean {
    return this.options.redis.status === 'ready' && this.options.subscriber.status === 'ready';
  }

  status(): StoreStatus {
    const versions: Record<string, number> = {};
    for (const [env, held] of this.snapshots) versions[env] = held.compiled.version;
    return { redisConnected: this.redisConnected, loaded: this.loaded, lastSyncAt: this.lastSyncAt, versions };
  }

  /** Runs a full comparison with Redis now (the same one a reconnect triggers). */
  refresh(): Promise<void> {
    return this.sync('manual', true);
  }

  private listen(emitter: Redis, event: string, handler: (...args: never[]) => void): void {
    const fn = handler as (...args: unknown[]) => void;
    emitter.on(event, fn);
    this.detach.push(() => emitter.off(event, fn));
  }

  private noteDisconnect(): void {
    if (!this.wasConnected || this.redisConnected) return;
    this.wasConnected = false;
    this.options.log.warn({ versions: this.status().versions }, 'redis unreachable: serving the last known good snapshots');
  }

  /**
   * Subscribes by hand (not ioredis' autoResubscribe) so the catch-up read happens strictly after
   * the subscription is confirmed: nothing published in between can slip through both.
   */
  private async subscribe(): Promise<void> {
    try {
      await this.options.subscriber.subscribe(this.options.keys.invalidations);
      // While the command connection is still connecting, its own 'ready' runs the catch-up read (still after this subscription).
      if (this.options.redis.status === 'ready') await this.sync('subscribed', true);
    } catch (error) {
      this.options.log.warn({ err: error }, 'subscribing to invalidations failed; will retry on reconnect');
    }
  }

  /** Serialised: a sync requested while one runs is folded into one more run afterwards. */
  private sync(reason: string, discover: boolean): Promise<void> {
    if (this.syncing) {
      this.syncAgain ||= discover;
      return this.syncing;
    }
    this.syncing = (async () => {
      try {
        await this.syncOnce(reason, discover);
        while (this.syncAgain) {
          this.syncAgain = false;
          await this.syncOnce(reason, true);
        }
      } finally {
        this.syncing = undefined;
      }
    })();
    return this.syncing;
  }

  private async syncOnce(reason: string, discover: boolean): Promise<void> {
    const { redis, keys, log } = this.options;
    try {
      await this.reloadKeys(false);
      if (discover) await this.discoverEnvironments();
      const envs = [...this.knownEnvs];
      const versions = envs.length ? await redis.mget(envs.map((env) => keys.snapshotVersion(env))) : [];
      await Promise.all(
        envs.map(async (env, i) => {
          const raw = versions[i];
          if (raw == null) {
            // Nothing published for this environment yet: it serves no flags, which is not the
            // same as "not loaded". A held snapshot is kept (Redis may have lost its data).
            if (!this.snapshots.has(env)) this.hold(emptySnapshot(env));
            return;
          }
          if (Number(raw) > (this.snapshots.get(env)?.compiled.version ?? -1)) await this.loadSnapshot(env);
        }),
      );
      this.lastSyncAt = Date.now();
      if (!this.wasConnected && this.redisConnected) {
        if (this.loaded) log.info({ reason, versions: this.status().versions }, 'redis reachable again; snapshots caught up');
        this.wasConnected = true;
      }
      if (!this.loaded) {
        this.loaded = true;
        this.resolveLoaded();
      }
    } catch (error) {
      log.warn({ err: error, reason }, 'snapshot sync with redis failed; serving held snapshots');
    }
  }

  private async discoverEnvironments(): Promise<void> {
    const { redis, keys } = this.options;
    for (const env of this.keyTable.environments()) this.knownEnvs.add(env);
    const pattern = keys.snapshotVersion('*');
    const prefixLength = pattern.length - 1;
    let cursor = '0';
    do {
      const [next, found] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      for (const key of found) this.knownEnvs.add(key.slice(prefixLength));
      cursor = next;
    } while (cursor !== '0');
  }

  /**
   * `explicit` is true when storage announced a key change. A hash that vanished without such an
   * announcement looks like a Redis restarted without its data, not like every key revoked at
   * once, so the held table stays (a lost announcement of a real revocation is caught by the next
   * explicit one or by storage re-publishing).
   */
  private async reloadKeys(explicit: boolean): Promise<void> {
    const raw = await this.options.redis.hgetall(this.options.keys.sdkKeys);
    const { table, problems } = SdkKeyTable.fromHash(raw);
    for (const problem of problems) this.options.log.error(problem);
    if (table.fingerprint === this.keyTable.fingerprint) return;
    if (table.size === 0 && this.keyTable.size > 0 && !explicit) {
      this.options.log.warn('sdk key table is missing from redis; keeping the held keys');
      return;
    }
    this.keyTable = table;
    for (const env of table.environments()) {
      if (!this.knownEnvs.has(env)) {
        this.knownEnvs.add(env);
        if (this.loaded) void this.loadSnapshot(env).catch((error) => this.options.log.warn({ err: error, env }, 'loading snapshot failed'));
      }
    }
  }

  private async loadSnapshot(env: string): Promise<void> {
    const json = await this.options.redis.get(this.options.keys.snapshot(env));
    if (json == null) {
      if (!this.snapshots.has(env)) this.hold(emptySnapshot(env));
      return;
    }
    let snapshot: EnvSnapshot;
    try {
      snapshot = JSON.parse(json) as EnvSnapshot;
    } catch {
      this.options.log.error({ env }, 'snapshot in redis is not valid JSON; keeping the held one');
      return;
    }
    if (snapshot?.env !== env || typeof snapshot.version !== 'number') {
      this.options.log.error({ env, found: snapshot?.env }, 'snapshot in redis is for another environment or has no version; keeping the held one');
      return;
    }
    this.hold(snapshot);
  }

  /** Compiles and swaps in one step; an older or equal version never replaces the held one. */
  private hold(snapshot: EnvSnapshot): void {
    const held = this.snapshots.get(snapshot.env);
    if (held && snapshot.version <= held.compiled.version) return;
    let compiled: CompiledSnapshot;
    try {
      compiled = this.options.compile({ ...snapshot, flags: snapshot.flags ?? {}, configs: snapshot.configs ?? {} });
    } catch (error) {
      this.options.log.error({ err: error, env: snapshot.env, version: snapshot.version }, 'snapshot does not compile; keeping the held one');
      return;
    }
    // Re-checked after compiling: a concurrent load may have swapped a newer one in meanwhile.
    const current = this.snapshots.get(snapshot.env);
    if (current && snapshot.version <= current.compiled.version) return;
    const secretConfigs = new Set(Object.values(snapshot.configs ?? {}).filter((c) => c.secret).map((c) => c.key));
    this.snapshots.set(snapshot.env, { compiled, secretConfigs, generatedAt: snapshot.generatedAt });
    this.options.log.info({ env: snapshot.env, version: snapshot.version }, 'snapshot loaded');
  }

  private async onInvalidation(message: string): Promise<void> {
    let invalidation: Invalidation;
    try {
      invalidation = JSON.parse(message) as Invalidation;
    } catch {
      this.options.log.warn({ message: message.slice(0, 200) }, 'ignoring an invalidation that is not JSON');
      return;
    }
    try {
      if (invalidation?.kind === 'sdk-keys') {
        await this.reloadKeys(true);
      } else if (invalidation?.kind === 'snapshot' && typeof invalidation.env === 'string') {
        this.knownEnvs.add(invalidation.env);
        const held = this.snapshots.get(invalidation.env)?.compiled.version ?? -1;
        if (!(invalidation.version <= held)) await this.loadSnapshot(invalidation.env);
      } else {
        this.options.log.warn({ message: message.slice(0, 200) }, 'ignoring an invalidation of unknown kind');
      }
    } catch (error) {
      // The poll or the next reconnect catches up; nothing is lost for good.
      this.options.log.warn({ err: error }, 'applying an invalidation failed');
    }
  }
}
