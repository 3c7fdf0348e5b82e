import type { FastifyInstance } from 'fastify';
import type { RequestLike } from './http-like.js';
import type { ServerResponse } from 'node:http';
import type { Logger } from '../core/logger.js';
import type { SdkKeyRecord } from '../storage/redis-keys.js';
import { bulkEtag } from './bulk-etag.js';
import { allowKeyOrigin } from './cors.js';
import type { HeldSnapshot } from './held-snapshots.js';
import type { StreamTokens } from './stream-token.js';

export const EVENTS_PATH = '/ofrep/v1/events';

/** What the stream reads: the held snapshots, the key table by id, and the swap notifications. */
export interface EventStreamSource {
  get(env: string): HeldSnapshot | undefined;
  findSdkKeyById(id: string): SdkKeyRecord | undefined;
  onSnapshotChange(listener: (held: HeldSnapshot) => void): () => void;
}

export interface EventStreamOptions {
  source: EventStreamSource;
  tokens: StreamTokens;
  log: Logger;
  /** Open streams this process holds at most (default 10,000); one more is answered 503 with Retry-After. */
  maxConnections?: number;
  /** A comment line this often (default 15 s), so proxies do not close an idle stream; also when a revoked key's streams end. */
  heartbeatMs?: number;
  /** At most one event per connection this often (default 100 ms): a burst of changes becomes one or two refetches. */
  coalesceMs?: number;
  /** A client connecting this soon after a change (default 5 s) gets one refetch at once: its bulk answer may predate the change. */
  recentChangeMs?: number;
  /** Sent to clients as `inactivityDelaySec`: a hidden tab closes its stream after this long (default 120). */
  inactivityDelaySec?: number;
}

export interface EventStreamEntry {
  type: 'sse';
  url: string;
  inactivityDelaySec: number;
}

export interface EventStreams {
  /** The `eventStreams` of a bulk answer for this key and context digest. */
  entriesFor(
    request: Pick<RequestLike, 'protocol' | 'host'>,
    record: SdkKeyRecord,
    contextHash: string,
  ): EventStreamEntry[];
  /** Open streams now. */
  readonly size: number;
}

/** The SSE `id` of a snapshot: its database epoch and version, so a reconnect can say what it saw. */
export function eventId(held: HeldSnapshot): string {
  return `${held.snapshot.epoch ?? ''}:${held.compiled.version}`;
}

/** Whether a client that last saw `lastEventId` has missed `held` (another epoch, or an older version). */
export function missed(lastEventId: string, held: HeldSnapshot): boolean {
  const colon = lastEventId.lastIndexOf(':');
  const version = Number(lastEventId.slice(colon + 1));
  if (colon < 0 || !Number.isInteger(version)) return true;
  return lastEventId.slice(0, colon) !== (held.snapshot.epoch ?? '') || version < held.compiled.version;
}

class Stream {
  private timer: NodeJS.Timeout | undefined;
  private lastSentAt = 0;

  constructor(
    readonly keyId: string,
    readonly env: string,
    private readonly contextHash: string,
    private readonly raw: ServerResponse,
    private readonly coalesceMs: number,
    private readonly source: EventStreamSource,
  ) {}

  /** Leading edge at once, then at most one more per `coalesceMs`, carrying whatever is newest by then. */
  changed(): void {
    if (this.timer) return;
    const wait = this.lastSentAt + this.coalesceMs - Date.now();
    if (wait <= 0) this.refetch();
    else
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.refetch();
      }, wait);
  }

  refetch(): void {
    const held = this.source.get(this.env);
    if (!held) return;
    this.lastSentAt = Date.now();
    const generated = Date.parse(held.generatedAt);
    const data = {
      type: 'refetchEvaluation',
      etag: bulkEtag(held, this.contextHash),
      lastModified: Number.isNaN(generated) ? Math.floor(this.lastSentAt / 1000) : Math.floor(generated / 1000),
    };
    this.write(`id: ${eventId(held)}\nevent: message\ndata: ${JSON.stringify(data)}\n\n`);
  }

  write(text: string): void {
    // A client that stopped reading would make the process buffer forever: let it reconnect instead.
    if (this.raw.writableLength > 64 * 1024) this.raw.destroy();
    else this.raw.write(text);
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.raw.writableEnded) this.raw.end();
  }
}

/**
 * OFREP event streams (docs/design.md#event-streams): `GET /ofrep/v1/events?token=…` answers
 * Server-Sent Events, one `refetchEvaluation` per change of the token's environment, carrying the
 * ETag the client's next bulk request is answered with. The token comes from a bulk answer's
 * `eventStreams` (see StreamTokens); the SDK key it names must still be live.
 */
export function registerEventStreams(app: FastifyInstance, options: EventStreamOptions): EventStreams {
  const { source, tokens, log } = options;
  const maxConnections = options.maxConnections ?? 10_000;
  const coalesceMs = options.coalesceMs ?? 100;
  const recentChangeMs = options.recentChangeMs ?? 5_000;
  const inactivityDelaySec = options.inactivityDelaySec ?? 120;
  const byEnv = new Map<string, Set<Stream>>();
  const lastSwapAt = new Map<string, number>();
  let size = 0;

  const unsubscribe = source.onSnapshotChange((held) => {
    lastSwapAt.set(held.compiled.env, Date.now());
    for (const stream of byEnv.get(held.compiled.env) ?? []) stream.changed();
  });

  const live = (stream: Stream) => {
    const record = source.findSdkKeyById(stream.keyId);
    return record !== undefined && record.env === stream.env && record.scopes.includes('flags');
  };

  const heartbeat = setInterval(() => {
    for (const streams of byEnv.values()) {
      for (const stream of streams) {
        if (live(stream)) stream.write(': ping\n\n');
        else stream.close();
      }
    }
  }, options.heartbeatMs ?? 15_000);
  heartbeat.unref();

  // preClose: before the server waits for its connections, which a stream would hold open forever.
  app.addHook('preClose', (done) => {
    clearInterval(heartbeat);
    unsubscribe();
    for (const streams of byEnv.values()) for (const stream of streams) stream.close();
    done();
  });

  app.get<{ Querystring: { token?: string } }>(EVENTS_PATH, (request, reply) => {
    const verified = tokens.verify(request.query.token);
    if (!verified.ok) return reply.code(401).send({ errorCode: 'UNAUTHORIZED', errorDetails: verified.why });
    const { keyId, env, contextHash } = verified.claims;
    const record = source.findSdkKeyById(keyId);
    if (!record || record.env !== env || !record.scopes.includes('flags')) {
      return reply.code(401).send({
        errorCode: 'UNAUTHORIZED',
        errorDetails: 'the SDK key of this token is revoked or expired: use a live key',
      });
    }
    // EventSource sends no Authorization: the key allowing the page's origin is the one the token names.
    allowKeyOrigin(request, reply, record);
    if (size >= maxConnections) {
      return reply
        .code(503)
        .header('retry-after', '5')
        .send({
          errorDetails: `this evaluator holds its maximum of ${maxConnections} event streams: retry, or add evaluators`,
        });
    }
    reply.hijack();
    const raw = reply.raw;
    // Headers set by hooks (CORS) live on the reply; a hijacked reply sends only what is written here.
    raw.writeHead(200, {
      ...(reply.getHeaders() as Record<string, string>),
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    const stream = new Stream(keyId, env, contextHash, raw, coalesceMs, source);
    let streams = byEnv.get(env);
    if (!streams) byEnv.set(env, (streams = new Set()));
    streams.add(stream);
    size += 1;
    request.raw.socket.setKeepAlive(true);
    request.raw.socket.setNoDelay(true);
    request.raw.on('close', () => {
      stream.close();
      if (streams.delete(stream)) size -= 1;
      if (streams.size === 0 && byEnv.get(env) === streams) byEnv.delete(env);
    });

    stream.write('retry: 1000\n\n');
    const held = source.get(env);
    if (held) {
      const lastEventId = request.headers['last-event-id'];
      const resumed = typeof lastEventId === 'string' && lastEventId !== '';
      if (resumed ? missed(lastEventId, held) : Date.now() - (lastSwapAt.get(env) ?? 0) < recentChangeMs)
        stream.refetch();
      // An id-only event sets the client's Last-Event-ID without dispatching anything, so its next reconnect says what it had.
      else stream.write(`id: ${eventId(held)}\n\n`);
    }
    log.debug({ env, keyId, streams: size }, 'event stream opened');
    return reply;
  });

  return {
    entriesFor(request, record, contextHash) {
      const token = tokens.issue({ keyId: record.id, env: record.env, contextHash });
      // Absolute: the web provider opens it with EventSource, which resolves a relative URL against the page, not the evaluator.
      return [
        { type: 'sse', url: `${request.protocol}://${request.host}${EVENTS_PATH}?token=${token}`, inactivityDelaySec },
      ];
    },
    get size() {
      return size;
    },
  };
}
