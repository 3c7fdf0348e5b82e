import { Redis } from 'ioredis';
import type { EnvSnapshot } from '../core/snapshot.js';
import type { FeedEntry } from '../storage/change-feed.js';
import { planFeedBatch } from '../storage/feed-batch.js';
import { FeedFollower } from '../storage/feed-follower.js';
import { redisKeys } from '../storage/redis-keys.js';
import { redisSnapshotReader, type SnapshotReader } from '../storage/snapshot-reader.js';
import { supersedes, type SnapshotMark } from './snapshot-order.js';
import type { SnapshotListener, SnapshotSource } from './snapshot-source.js';

export interface RedisSourceOptions {
  /** Redis to connect to (e.g. redis://127.0.0.1:6379); or pass `client`. */
  url?: string;
  /** An existing connection: it is duplicated for the feed's blocking reads, and left open on stop. */
  client?: Redis;
  /** REDIS_PREFIX of the Switchyard installation (default `switchyard`). */
  prefix?: string;
  /** The environment to serve. */
  env: string;
  /** Safety re-read of the snapshot version, in ms (default 5 s; 0 turns it off): a net under the change feed. */
  pollIntervalMs?: number;
  /** How long one blocking read of the change feed waits, in ms (default 5 s). */
  feedBlockMs?: number;
}

/**
 * The snapshot the data plane writes to Redis (the evaluator's own source), kept current by the
 * change feed exactly as the evaluator follows it (docs/design.md#readers-of-the-change-feed):
 * the feed's tail, then the environment in full, then each entry after that tail; a delta of
 * what it holds is applied in place, a gap or another epoch reads the environment in full. After
 * a reconnect, and on a slow poll, the version is compared again: the feed may have been trimmed
 * or Redis emptied meanwhile.
 *
 * @example
 * new SwitchyardProvider(redisSource({ url: 'redis://127.0.0.1:6379', prefix: 'switchyard', env: 'production' }));
 */
export function redisSource(options: RedisSourceOptions): SnapshotSource {
  if (!options.url && !options.client) throw new Error('redisSource needs `url` or `client`');
  if (!options.env) throw new Error('redisSource needs `env` (the environment to serve: one of your ENVIRONMENTS)');
  const prefix = options.prefix ?? 'switchyard';
  const keys = redisKeys(prefix);
  const { env } = options;
  const description = `redis:${prefix}:${env}`;
  const pollIntervalMs = options.pollIntervalMs ?? 5_000;

  let commands: Redis | undefined;
  let feed: Redis | undefined;
  let follower: FeedFollower | undefined;
  let timer: NodeJS.Timeout | undefined;
  /** Version and epoch of what the listener holds; undefined before the first. */
  let held: SnapshotMark | undefined;
  let stale = false;
  let catchingUp: Promise<boolean> | undefined;
  let again = false;

  const load = async (reader: SnapshotReader): Promise<EnvSnapshot> => {
    const read = await reader.snapshot(env);
    if (read.found === 'nothing')
      throw new Error(
        `${description}: no snapshot of "${env}" in Redis under prefix "${prefix}" (has the data plane published it? \`switchyard publish\` writes it)`,
      );
    if (read.found === 'unreadable') throw new Error(`${description}: ${read.problem}`);
    return read.snapshot;
  };

  async function stop(): Promise<void> {
    clearInterval(timer);
    const following = follower?.stop();
    follower = undefined;
    const blocking = feed;
    const redis = commands;
    feed = undefined;
    commands = undefined;
    held = undefined;
    stale = false;
    blocking?.removeAllListeners();
    blocking?.disconnect();
    if (redis && !options.client) {
      redis.removeAllListeners();
      redis.disconnect();
    }
    await following;
  }

  return {
    description,
    async start(listener: SnapshotListener) {
      const owned = !options.client;
      const common = {
        lazyConnect: true,
        connectionName: `switchyard-provider:${prefix}`,
        retryStrategy: (times: number) => Math.min(times * 100, 1_000),
      };
      // Commands fail fast while Redis is away: the provider serves what it holds meanwhile.
      commands = options.client ?? new Redis(options.url!, { ...common, maxRetriesPerRequest: 1 });
      feed = (options.client ?? commands).duplicate({ ...common, maxRetriesPerRequest: null });
      const redis = commands;
      const blocking = feed;
      const reader = redisSnapshotReader(redis, keys, { blocking });

      const markStale = (error: unknown) => {
        if (stale || commands !== redis) return;
        stale = true;
        listener.stale(error instanceof Error ? error : new Error(String(error)));
      };
      const markCurrent = () => {
        if (!stale) return;
        stale = false;
        listener.recovered();
      };
      const handOver = (snapshot: EnvSnapshot) => {
        if (!supersedes(snapshot, held)) return;
        held = { version: snapshot.version, epoch: snapshot.epoch };
        listener.snapshot(snapshot);
      };
      const compareOnce = async (): Promise<boolean> => {
        try {
          const [stamp] = await reader.stamps([env]);
          if (stamp !== undefined && supersedes(stamp, held)) handOver(await load(reader));
          markCurrent();
          return true;
        } catch (error) {
          markStale(error);
          return false;
        }
      };
      // One comparison at a time: two overlapping reads handing over snapshots out of order
      // could put an older database's snapshot back. A request during one makes one more.
      const compare = (): Promise<boolean> => {
        if (catchingUp) {
          again = true;
          return catchingUp;
        }
        catchingUp = (async () => {
          try {
            let ok: boolean;
            do {
              again = false;
              ok = await compareOnce();
            } while (again && commands === redis);
            return ok;
          } finally {
            catchingUp = undefined;
          }
        })();
        return catchingUp;
      };
      const follow = async (entries: FeedEntry[]): Promise<void> => {
        const plan = planFeedBatch(
          entries.filter((entry) => entry.kind !== 'sdk-keys' && entry.env === env),
          () => held,
        );
        let reload = plan.reload.length > 0;
        for (const delta of plan.deltas) {
          if (listener.delta(delta)) held = { version: delta.version, epoch: delta.epoch };
          else reload = true;
        }
        if (reload && !(await compare())) throw new Error(`${description}: reading the snapshot in full failed`);
      };

      blocking.on('close', () => markStale(new Error(`${description}: lost the connection to Redis`)));
      blocking.on('error', () => undefined);
      if (owned) redis.on('error', () => undefined);

      try {
        if (owned) await redis.connect();
        await blocking.connect();
        // The tail first, then the full read: whatever is published after the read is in the feed after the tail.
        const tail = await reader.feedTail();
        const first = await load(reader);
        held = { version: first.version, epoch: first.epoch };
        follower = new FeedFollower(
          reader,
          { resync: () => compare(), entries: follow, failed: markStale },
          { from: tail, blockMs: options.feedBlockMs ?? 5_000 },
        );
        follower.start();
        // Reconnects may follow a trimmed feed or an emptied Redis: compare the version again.
        blocking.on('ready', () => void compare());
        if (pollIntervalMs > 0) {
          timer = setInterval(() => void compare(), pollIntervalMs);
          timer.unref();
        }
        return first;
      } catch (error) {
        await stop();
        throw error instanceof Error && error.message.startsWith(description)
          ? error
          : new Error(`${description}: ${(error as Error).message}`);
      }
    },
    stop,
  };
}
