import { Redis } from 'ioredis';
import type { EnvSnapshot } from '../core/snapshot.js';
import { listenForInvalidations, type InvalidationListener } from '../storage/invalidation-listener.js';
import { redisKeys } from '../storage/redis-keys.js';
import { redisSnapshotReader, type SnapshotReader } from '../storage/snapshot-reader.js';
import { supersedes, type SnapshotMark } from './snapshot-order.js';
import type { SnapshotListener, SnapshotSource } from './snapshot-source.js';

export interface RedisSourceOptions {
  /** Redis to connect to (e.g. redis://127.0.0.1:6379); or pass `client`. */
  url?: string;
  /** An existing connection: it is duplicated for the subscription, and left open on stop. */
  client?: Redis;
  /** REDIS_PREFIX of the Switchyard installation (default `switchyard`). */
  prefix?: string;
  /** The environment to serve. */
  env: string;
  /** Safety re-read of the snapshot version, in ms (default 5 s; 0 turns it off): a net under pub/sub. */
  pollIntervalMs?: number;
}

/**
 * The snapshot the data plane writes to Redis (the evaluator's own source), kept current by the
 * invalidation channel, read the same way the evaluator reads it. Pub/sub drops what is
 * published while disconnected, so after every (re)subscription the version is read again, and
 * a slow poll backs that up. A snapshot of another epoch (the database was recreated or restored)
 * is read whatever its version, as the evaluator does.
 *
 * @example
 * new SwitchyardProvider(redisSource({ url: 'redis://127.0.0.1:6379', prefix: 'switchyard', env: 'production' }));
 */
export function redisSource(options: RedisSourceOptions): SnapshotSource {
  if (!options.url && !options.client) throw new Error('redisSource needs `url` or `client`');
  if (!options.env) throw new Error('redisSource needs `env` (the environment to serve, e.g. "production")');
  const prefix = options.prefix ?? 'switchyard';
  const keys = redisKeys(prefix);
  const { env } = options;
  const description = `redis:${prefix}:${env}`;
  const pollIntervalMs = options.pollIntervalMs ?? 5_000;

  let commands: Redis | undefined;
  let subscriber: Redis | undefined;
  let invalidations: InvalidationListener | undefined;
  let timer: NodeJS.Timeout | undefined;
  /** Version and epoch of the last snapshot handed to the listener; undefined before the first. */
  let held: SnapshotMark | undefined;
  let stale = false;
  let catchingUp: Promise<void> | undefined;
  let again = false;

  const load = async (reader: SnapshotReader): Promise<EnvSnapshot> => {
    const read = await reader.snapshot(env);
    if (read.found === 'nothing') throw new Error(`${description}: no snapshot of "${env}" in Redis under prefix "${prefix}" (has the data plane published it? \`switchyard publish\` writes it)`);
    if (read.found === 'unreadable') throw new Error(`${description}: ${read.problem}`);
    return read.snapshot;
  };

  async function stop(): Promise<void> {
    clearInterval(timer);
    invalidations?.stop();
    invalidations = undefined;
    const sub = subscriber;
    const redis = commands;
    subscriber = undefined;
    commands = undefined;
    held = undefined;
    stale = false;
    sub?.removeAllListeners();
    sub?.disconnect();
    if (redis && !options.client) {
      redis.removeAllListeners();
      redis.disconnect();
    }
  }

  return {
    description,
    async start(listener: SnapshotListener) {
      const owned = !options.client;
      const common = { lazyConnect: true, connectionName: `switchyard-provider:${prefix}`, retryStrategy: (times: number) => Math.min(times * 100, 1_000) };
      // Commands fail fast while Redis is away: the provider serves what it holds meanwhile.
      commands = options.client ?? new Redis(options.url!, { ...common, maxRetriesPerRequest: 1 });
      subscriber = (options.client ?? commands).duplicate({ ...common, autoResubscribe: false, maxRetriesPerRequest: null });
      const redis = commands;
      const sub = subscriber;
      const reader = redisSnapshotReader(redis, keys);

      const readOnce = async () => {
        try {
          const [stamp] = await reader.stamps([env]);
          if (stamp !== undefined && supersedes(stamp, held)) {
            const snapshot = await load(reader);
            if (supersedes(snapshot, held)) {
              held = { version: snapshot.version, epoch: snapshot.epoch };
              listener.snapshot(snapshot);
            }
          }
          if (stale) {
            stale = false;
            listener.recovered();
          }
        } catch (error) {
          stale = true;
          listener.stale(error instanceof Error ? error : new Error(String(error)));
        }
      };
      // One read at a time: with epochs, two overlapping reads handing over snapshots out of order
      // could put the older database's snapshot back. A request during a read makes one more.
      const catchUp = (): Promise<void> => {
        if (catchingUp) {
          again = true;
          return catchingUp;
        }
        catchingUp = (async () => {
          try {
            do {
              again = false;
              await readOnce();
            } while (again && commands === redis);
          } finally {
            catchingUp = undefined;
          }
        })();
        return catchingUp;
      };

      sub.on('close', () => {
        if (stale || !commands) return;
        stale = true;
        listener.stale(new Error(`${description}: lost the connection to Redis`));
      });
      sub.on('error', () => undefined);
      if (owned) redis.on('error', () => undefined);

      try {
        if (owned) await redis.connect();
        await sub.connect();
        // Listening starts after the first connect: re-subscriptions (each with a catch-up read)
        // follow every later reconnect, and the first read below follows this subscription.
        invalidations = listenForInvalidations(sub, keys, {
          invalidated: (invalidation) => {
            if (invalidation.kind === 'snapshot' && invalidation.env === env && supersedes(invalidation, held)) void catchUp();
          },
          resubscribed: () => void catchUp(),
        });
        await invalidations.subscribe();
        const first = await load(reader);
        held = { version: first.version, epoch: first.epoch };
        if (pollIntervalMs > 0) {
          timer = setInterval(() => void catchUp(), pollIntervalMs);
          timer.unref();
        }
        return first;
      } catch (error) {
        await stop();
        throw error instanceof Error && error.message.startsWith(description) ? error : new Error(`${description}: ${(error as Error).message}`);
      }
    },
    stop,
  };
}
