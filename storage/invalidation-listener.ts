import type { Redis } from 'ioredis';
import type { Invalidation, RedisKeys } from './redis-keys.js';

export interface InvalidationHandlers {
  invalidated(invalidation: Invalidation): void;
  /**
   * After every confirmed re-subscription (each reconnect of the subscriber): pub/sub drops what
   * is published while disconnected, so the holder reads what it may have missed. Called
   * strictly after the subscription is confirmed, so nothing published in between slips past both.
   */
  resubscribed(): void;
  /** A message that is not an invalidation this version understands; `why` says what is wrong. */
  ignored?(message: string, why: string): void;
  /** Re-subscribing after a reconnect failed; the next reconnect tries again. */
  failed?(error: unknown): void;
}

export interface InvalidationListener {
  /** Subscribes now (the first time; reconnects re-subscribe on their own). */
  subscribe(): Promise<void>;
  stop(): void;
}

export function parseInvalidation(message: string): Invalidation | string {
  let value: unknown;
  try {
    value = JSON.parse(message);
  } catch {
    return 'not JSON';
  }
  const candidate = value as Partial<Invalidation> | null;
  if (candidate?.kind === 'sdk-keys') return { kind: 'sdk-keys' };
  if (candidate?.kind === 'snapshot' && typeof candidate.env === 'string' && typeof candidate.version === 'number') {
    return {
      kind: 'snapshot',
      env: candidate.env,
      version: candidate.version,
      ...(typeof candidate.epoch === 'string' ? { epoch: candidate.epoch } : {}),
    };
  }
  return 'unknown kind';
}

/**
 * Listens to the invalidation channel on a connection of its own (a subscribed connection runs
 * no other commands). It subscribes by hand rather than through ioredis' autoResubscribe, so
 * that the catch-up read after a reconnect follows a confirmed subscription; create the
 * connection with `autoResubscribe: false`.
 *
 * Pub/sub is fire-and-forget; a durable, versioned change feed would replace this module and
 * keep the holders' side (invalidated / resubscribed) as it is.
 */
export function listenForInvalidations(subscriber: Redis, keys: RedisKeys, handlers: InvalidationHandlers): InvalidationListener {
  const channel = keys.invalidations;
  const onMessage = (from: string, message: string) => {
    if (from !== channel) return;
    const parsed = parseInvalidation(message);
    if (typeof parsed === 'string') handlers.ignored?.(message, parsed);
    else handlers.invalidated(parsed);
  };
  const onReady = () => {
    subscriber.subscribe(channel).then(
      () => handlers.resubscribed(),
      (error: unknown) => handlers.failed?.(error),
    );
  };
  subscriber.on('message', onMessage);
  subscriber.on('ready', onReady);
  return {
    async subscribe() {
      await subscriber.subscribe(channel);
    },
    stop() {
      subscriber.off('message', onMessage);
      subscriber.off('ready', onReady);
    },
  };
}
