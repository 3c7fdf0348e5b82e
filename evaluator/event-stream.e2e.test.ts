import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileSnapshot } from '../core/engine/index.js';
import { hashSdkKey } from '../core/sdk-key.js';
import { createLogger } from '../storage/logger.js';
import { redisKeys } from '../storage/redis-keys.js';
import { clearRedisPrefix, testRedisPrefix } from '../test/db.js';
import {
  announceSdkKeys,
  FIXTURE_EPOCH,
  plantDelta,
  plantSdkKey,
  plantSnapshot,
  within,
} from '../test/redis-fixture.js';
import { seedFlag, snapshotOf } from '../test/snapshots.js';
import { createEvaluatorServer } from './server.js';
import { SnapshotStore } from './snapshot-store.js';
import { StreamTokens } from './stream-token.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const log = createLogger('silent');
const prefix = testRedisPrefix('event-stream');
const keys = redisKeys(prefix);
const ALLOWED = 'https://app.example.com';
const CONTEXT = { context: { targetingKey: 'user-1' } };

let admin: Redis;
const connections: Redis[] = [];
let store: SnapshotStore;
let app: FastifyInstance;
let base: string;
let prodKey: string;
let version = 1;
let devVersion = 1;
const tokens = new StreamTokens({ secret: 'x'.repeat(32) });

interface Received {
  id: string | undefined;
  data: { type: string; etag: string; lastModified: number };
  at: number;
}

/** A Server-Sent Events client over fetch's streaming body: what a browser's EventSource reads. */
async function openStream(url: string, headers: Record<string, string> = {}) {
  const controller = new AbortController();
  const response = await fetch(url, { headers, signal: controller.signal });
  const events: Received[] = [];
  let lastId: string | undefined;
  let ended = false;
  if (response.body) {
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    void (async () => {
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) {
            ended = true;
            return;
          }
          buffer += decoder.decode(value, { stream: true });
          for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            let id: string | undefined;
            let data: string | undefined;
            for (const line of block.split('\n')) {
              if (line.startsWith('id: ')) id = line.slice(4);
              if (line.startsWith('data: ')) data = line.slice(6);
            }
            if (id !== undefined) lastId = id;
            if (data !== undefined) events.push({ id, data: JSON.parse(data), at: Date.now() });
          }
        }
      } catch {
        // aborted by close()
      }
    })();
  }
  return { response, events, lastId: () => lastId, ended: () => ended, close: () => controller.abort() };
}

async function bulk(sdkKey: string, headers: Record<string, string> = {}) {
  return fetch(`${base}/ofrep/v1/evaluate/flags`, {
    method: 'POST',
    headers: { authorization: `Bearer ${sdkKey}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(CONTEXT),
  });
}

async function streamUrl(sdkKey: string): Promise<string> {
  const body = (await (await bulk(sdkKey)).json()) as {
    eventStreams: Array<{ type: string; url: string; inactivityDelaySec: number }>;
  };
  expect(body.eventStreams).toHaveLength(1);
  expect(body.eventStreams[0]).toMatchObject({ type: 'sse', inactivityDelaySec: 120 });
  return body.eventStreams[0]!.url;
}

/** One change of production, as the publisher writes most: a delta of one flag. */
async function publishProduction(): Promise<void> {
  version = await plantDelta(
    admin,
    keys,
    'production',
    { flags: [{ ...seedFlag(), description: `edit ${version + 1}` }] },
    { from: version },
  );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  admin = new Redis(REDIS_URL);
  await plantSnapshot(admin, keys, snapshotOf('production', version));
  await plantSnapshot(admin, keys, snapshotOf('dev', devVersion));
  prodKey = await plantSdkKey(admin, keys, { env: 'production', scopes: ['flags'] });
  const redis = new Redis(REDIS_URL, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  const subscriber = new Redis(REDIS_URL, { autoResubscribe: false });
  connections.push(redis, subscriber);
  store = new SnapshotStore({
    redis,
    subscriber,
    keys,
    compile: (s) => compileSnapshot(s),
    log,
    environments: ['production', 'dev'],
    pollIntervalMs: 0,
  });
  await store.start();
  // recentChangeMs 0: a test's stream opens right after the planting above, and must start quiet.
  app = createEvaluatorServer({
    store,
    log,
    corsOrigins: [ALLOWED],
    eventStreams: { source: store, tokens, recentChangeMs: 0, heartbeatMs: 200 },
  });
  base = await app.listen({ port: 0, host: '127.0.0.1' });
});

afterAll(async () => {
  await app?.close();
  store?.stop();
  for (const connection of connections) connection.disconnect();
  await clearRedisPrefix(admin, prefix);
  admin.disconnect();
});

describe('OFREP event streams', () => {
  it('pushes a refetchEvaluation within a second of a change, naming the ETag the next bulk request returns', async () => {
    const stream = await openStream(await streamUrl(prodKey));
    expect(stream.response.status).toBe(200);
    expect(stream.response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    await sleep(50);
    expect(stream.events).toHaveLength(0);
    const published = Date.now();
    await publishProduction();
    await within(1_000, async () => stream.events.length > 0);
    stream.close();
    const [event] = stream.events;
    expect(event!.at - published).toBeLessThan(1_000);
    expect(event!.data.type).toBe('refetchEvaluation');
    expect(typeof event!.data.lastModified).toBe('number');
    expect(event!.id).toBe(`${FIXTURE_EPOCH}:${version}`);
    const next = await bulk(prodKey);
    expect(next.headers.get('etag')).toBe(event!.data.etag);
    // The client's If-None-Match with the pushed ETag is the one that matches now.
    expect((await bulk(prodKey, { 'if-none-match': event!.data.etag })).status).toBe(304);
  });

  it('sends nothing for another environment’s change', async () => {
    const stream = await openStream(await streamUrl(prodKey));
    devVersion += 1;
    await plantSnapshot(admin, keys, snapshotOf('dev', devVersion));
    await within(1_000, async () => store.get('dev')?.compiled.version === devVersion);
    await sleep(200);
    stream.close();
    expect(stream.events).toHaveLength(0);
  });

  it('coalesces a burst of ten changes into a few events, the last naming the final ETag', async () => {
    const stream = await openStream(await streamUrl(prodKey));
    for (let i = 0; i < 10; i += 1) await publishProduction();
    await within(1_000, async () => stream.events.at(-1)?.id === `${FIXTURE_EPOCH}:${version}`);
    await sleep(250);
    stream.close();
    expect(stream.events.length).toBeGreaterThan(0);
    expect(stream.events.length).toBeLessThanOrEqual(4);
    expect(stream.events.at(-1)!.data.etag).toBe((await bulk(prodKey)).headers.get('etag'));
  });

  it('sends one refetch at once to a client reconnecting with an older Last-Event-ID, and none to one that is current', async () => {
    const url = await streamUrl(prodKey);
    const behind = await openStream(url, { 'last-event-id': `${FIXTURE_EPOCH}:${version - 1}` });
    await within(1_000, async () => behind.events.length === 1);
    behind.close();
    expect(behind.events[0]!.id).toBe(`${FIXTURE_EPOCH}:${version}`);
    const otherDatabase = await openStream(url, { 'last-event-id': `another-epoch:${version}` });
    await within(1_000, async () => otherDatabase.events.length === 1);
    otherDatabase.close();
    const current = await openStream(url, { 'last-event-id': `${FIXTURE_EPOCH}:${version}` });
    await within(1_000, async () => current.lastId() === `${FIXTURE_EPOCH}:${version}`);
    await sleep(100);
    current.close();
    expect(current.events).toHaveLength(0);
  });

  it('refuses a bad, forged, expired or foreign-secret token with 401', async () => {
    const url = new URL(await streamUrl(prodKey));
    const good = url.searchParams.get('token')!;
    const [payload] = good.split('.');
    const keyId = JSON.parse(Buffer.from(payload!, 'base64url').toString())[0] as string;
    const forged = `${Buffer.from(JSON.stringify([keyId, 'dev', 'x', Date.now() + 60_000])).toString('base64url')}.${good.split('.')[1]}`;
    const expired = tokens.issue({ keyId, env: 'production', contextHash: 'x' }, Date.now() - 60 * 60_000);
    const foreign = new StreamTokens({ secret: 'y'.repeat(32) }).issue({ keyId, env: 'production', contextHash: 'x' });
    for (const token of ['', 'garbage', forged, expired, foreign]) {
      const response = await fetch(`${base}/ofrep/v1/events?token=${encodeURIComponent(token)}`);
      expect(response.status, token).toBe(401);
      expect(((await response.json()) as { errorDetails: string }).errorDetails.length).toBeGreaterThan(0);
    }
  });

  it('refuses the token of a key revoked since, and ends its open streams', async () => {
    const key = await plantSdkKey(admin, keys, { env: 'production', scopes: ['flags'] });
    await within(1_000, async () => (await bulk(key)).status === 200);
    const url = await streamUrl(key);
    const open = await openStream(url);
    await admin.hdel(keys.sdkKeys, hashSdkKey(key));
    await announceSdkKeys(admin, keys);
    await within(1_000, async () => (await bulk(key)).status === 401);
    expect((await fetch(url)).status).toBe(401);
    // The heartbeat (200 ms here) ends the stream that was open: its refetches would be refused anyway.
    await within(1_000, async () => open.ended());
    open.close();
  });

  it('carries CORS headers on the stream for an allowed origin, and none for another', async () => {
    const url = await streamUrl(prodKey);
    const allowed = await openStream(url, { origin: ALLOWED });
    allowed.close();
    expect(allowed.response.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    const other = await openStream(url, { origin: 'https://evil.example.com' });
    other.close();
    expect(other.response.headers.get('access-control-allow-origin')).toBeNull();
  });
});
