import type { Logger } from '../core/logger.js';
import { emptySnapshot } from '../core/snapshot.js';
import type { FeedEntry } from '../storage/change-feed.js';
import { planFeedBatch } from '../storage/feed-batch.js';
import type { SdkKeyRecord } from '../storage/redis-keys.js';
import type { SnapshotReader } from '../storage/snapshot-reader.js';
import type { HeldSnapshots } from './held-snapshots.js';
import { SdkKeyTable } from './sdk-key-table.js';

export interface SnapshotSyncOptions {
  reader: SnapshotReader;
  held: HeldSnapshots;
  log: Logger;
  /** Environments to load even when no SDK key references them yet. */
  environments?: readonly string[];
  /** After every full comparison that succeeded; `first` on the very first one. */
  synced(reason: string, first: boolean): void;
}

/**
 * Brings the held snapshots and SDK keys up to date with Redis: a full comparison (versions of
 * every known environment, optionally discovering new ones) or one batch of the change feed at a
 * time (docs/design.md#readers-of-the-change-feed). Failures are logged and leave what is held
 * serving; the next trigger tries again.
 */
export class SnapshotSync {
  private readonly knownEnvs = new Set<string>();
  private keyTable = SdkKeyTable.empty();
  private running: Promise<boolean> | undefined;
  private again = false;
  /** Full reads in flight, by environment, and those asked for again meanwhile (folded into one more read). */
  private readonly loading = new Map<string, Promise<void>>();
  private readonly reloadAgain = new Set<string>();
  /** True once a full comparison has succeeded. */
  loaded = false;
  /** True once a key table was read that is not Redis's lost one: it had keys, or a full sync's mark. */
  private keysSeen = false;
  /** True once everything needed to serve was held at the same time; then it stays ready (last known good). */
  private everHeld = false;
  /** Epoch ms of the last full comparison that succeeded. */
  lastSyncAt: number | undefined;

  constructor(private readonly options: SnapshotSyncOptions) {
    for (const env of options.environments ?? []) this.knownEnvs.add(env);
  }

  findSdkKey(clearKey: string): SdkKeyRecord | undefined {
    return this.keyTable.lookup(clearKey);
  }

  findSdkKeyById(id: string): SdkKeyRecord | undefined {
    return this.keyTable.lookupId(id);
  }

  sdkKeyOrigins(): ReadonlySet<string> {
    return this.keyTable.origins;
  }

  /**
   * What keeps the evaluator from serving, or [] when nothing does. An evaluator that never held
   * a published snapshot of every environment it knows, and a key table, would answer empty
   * flags and 401s as if they were the truth (Redis restarted empty before the repair loop
   * republished), so it is not ready. Once it has held them all, it stays ready: what it holds
   * is the last known good, served through a Redis outage or loss (degraded, not unready).
   */
  waitingFor(): string[] {
    if (this.everHeld) return [];
    if (!this.loaded) return ['no snapshot loaded from Redis yet'];
    const reasons: string[] = [];
    const missing = [...this.knownEnvs].filter((env) => !this.options.held.published(env));
    if (this.knownEnvs.size === 0)
      reasons.push('no environment known: nothing is published in Redis and no SDK key names one');
    if (missing.length) reasons.push(`no snapshot published in Redis for ${missing.sort().join(', ')}`);
    if (!this.keysSeen) reasons.push('no SDK key table in Redis');
    if (reasons.length === 0) this.everHeld = true;
    return reasons;
  }

  /**
   * Serialised: a comparison requested while one runs is folded into one more run afterwards.
   * Resolves true when the (last) comparison succeeded.
   */
  run(reason: string, discover: boolean): Promise<boolean> {
    if (this.running) {
      this.again ||= discover;
      return this.running;
    }
    this.running = (async () => {
      try {
        let ok = await this.compare(reason, discover);
        while (this.again) {
          this.again = false;
          ok = await this.compare(reason, true);
        }
        return ok;
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  /**
   * One read of the change feed: deltas of what is held applied in place (one swap per
   * environment per batch, so event streams coalesce a burst), environments with a gap, another
   * epoch or a `full` entry read in full, the key table reloaded when it changed. Throws when a
   * read it needed failed (the feed follower then resyncs).
   */
  async applyFeed(entries: readonly FeedEntry[]): Promise<void> {
    const { held, log } = this.options;
    const plan = planFeedBatch(entries, (env) => held.markOf(env));
    for (const problem of plan.problems)
      log.error({ problem }, 'change feed entry cannot be applied; reloading its environment in full');
    for (const env of plan.environments) this.knownEnvs.add(env);
    const reload = new Set(plan.reload);
    for (const delta of plan.deltas) if (!held.applyDelta(delta)) reload.add(delta.env);
    const reads: Array<Promise<void>> = [...reload].map((env) => this.load(env));
    if (plan.sdkKeys) reads.push(this.reloadKeys(true));
    const failed = (await Promise.allSettled(reads)).find((outcome) => outcome.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
  }

  private async compare(reason: string, discover: boolean): Promise<boolean> {
    const { reader, held, log } = this.options;
    try {
      await this.reloadKeys(false);
      if (discover) {
        for (const env of this.keyTable.environments()) this.knownEnvs.add(env);
        for (const env of await reader.environments()) this.knownEnvs.add(env);
      }
      const envs = [...this.knownEnvs];
      const stamps = await reader.stamps(envs);
      // One environment at a time: a read in full is its whole hash, parsed and compiled, and
      // several at once would add up to the process's peak memory.
      for (const [i, env] of envs.entries()) {
        const stamp = stamps[i];
        if (stamp === undefined) {
          // Nothing published for this environment yet: it serves no flags meanwhile (and is
          // not ready, see waitingFor). A held snapshot is kept (Redis may have lost its data).
          held.holdPlaceholder(emptySnapshot(env));
        } else if (held.wants(env, stamp)) {
          await this.load(env);
        }
      }
      this.lastSyncAt = Date.now();
      const first = !this.loaded;
      this.loaded = true;
      this.options.synced(reason, first);
      return true;
    } catch (error) {
      log.warn({ err: error, reason }, 'snapshot sync with redis failed; serving held snapshots');
      return false;
    }
  }

  /**
   * `explicit` is true when storage announced a key change. A hash that vanished without such an
   * announcement looks like a Redis restarted without its data, not like every key revoked at
   * once, so the held table stays (a lost announcement of a real revocation is caught by the next
   * explicit one or by storage re-publishing).
   */
  private async reloadKeys(explicit: boolean): Promise<void> {
    const { log, reader } = this.options;
    const [hash, epoch] = await Promise.all([reader.sdkKeys(), reader.sdkKeysEpoch()]);
    const { table, problems } = SdkKeyTable.fromHash(hash);
    for (const problem of problems) log.error(problem);
    if (table.size > 0 || epoch !== undefined) this.keysSeen = true;
    if (table.fingerprint === this.keyTable.fingerprint) return;
    if (table.size === 0 && this.keyTable.size > 0 && !explicit) {
      log.warn('sdk key table is missing from redis; keeping the held keys');
      return;
    }
    this.keyTable = table;
    for (const env of table.environments()) {
      if (this.knownEnvs.has(env)) continue;
      this.knownEnvs.add(env);
      if (this.loaded) void this.load(env).catch((error) => log.warn({ err: error, env }, 'loading snapshot failed'));
    }
  }

  /** Reads `env` in full; a read asked for while one is in flight becomes one more read after it (it may predate the change). */
  private load(env: string): Promise<void> {
    const inFlight = this.loading.get(env);
    if (inFlight) {
      this.reloadAgain.add(env);
      return inFlight;
    }
    const reading = (async () => {
      try {
        do {
          this.reloadAgain.delete(env);
          await this.loadOnce(env);
        } while (this.reloadAgain.has(env));
      } finally {
        this.loading.delete(env);
      }
    })();
    this.loading.set(env, reading);
    return reading;
  }

  private async loadOnce(env: string): Promise<void> {
    const { held, log } = this.options;
    const read = await this.options.reader.snapshot(env);
    if (read.found === 'nothing') {
      held.holdPlaceholder(emptySnapshot(env));
    } else if (read.found === 'unreadable') {
      log.error({ env, problem: read.problem }, 'snapshot in redis cannot be served; keeping the held one');
    } else {
      held.hold(read.snapshot, { json: read.json });
    }
  }
}
