import { createHash } from 'node:crypto';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileSnapshot } from '../core/engine/index.js';
import { flagDocumentSchema } from '../core/model/flag.js';
import { createLogger } from '../storage/logger.js';
import { AnswerBuffers } from './answer-buffers.js';
import { HeldSnapshots } from './held-snapshots.js';
import { createEvaluatorServer } from './server.js';
import type { SnapshotStore } from './snapshot-store.js';

describe('answer buffers', () => {
  it('hand out exactly the length asked, reusing a buffer only once it is given back', () => {
    const buffers = new AnswerBuffers();
    const first = buffers.take(10_000);
    const second = buffers.take(9_000);
    expect([first.length, second.length]).toEqual([10_000, 9_000]);
    expect(second.buffer).not.toBe(first.buffer);
    buffers.give(first);
    const third = buffers.take(10_500);
    expect(third.length).toBe(10_500);
    expect(third.buffer).toBe(first.buffer);
    expect(buffers.take(10_000).buffer).not.toBe(first.buffer);
  });
});

const log = createLogger('silent');
// Answers of several MB: more than the kernel's socket buffers take at once, so a slow client
// leaves part of each answer in its buffer, waiting to be written.
const FLAGS = 2_000;
const flags = Object.fromEntries(
  Array.from({ length: FLAGS }, (_, n) => {
    const key = `flag-${n}`;
    const production = { serve: { rollout: { off: 50, on: 50 } } };
    return [
      key,
      flagDocumentSchema.parse({
        key,
        kind: 'ops',
        description: 'd',
        owner: 'o',
        default: 'off',
        variations: [
          { id: 'off', value: 'a'.repeat(4_000) },
          { id: 'on', value: 'b'.repeat(4_000) },
        ],
        environments: { production },
      }),
    ];
  }),
);
const held = new HeldSnapshots((s) => compileSnapshot(s), log);
held.hold({ env: 'production', version: 1, generatedAt: new Date(0).toISOString(), flags, configs: {} });
const SDK_KEY = 'sy_production_bulk';
const store: Pick<SnapshotStore, 'get' | 'findSdkKey' | 'status'> = {
  get: (env) => held.get(env),
  findSdkKey: (key) => (key === SDK_KEY ? { id: 'k1', env: 'production', scopes: ['flags'], name: 'web' } : undefined),
  status: () => ({
    redisConnected: true,
    loaded: true,
    lastSyncAt: Date.now(),
    versions: held.versions(),
    epochs: held.epochs(),
    waitingFor: [],
  }),
};
const app = createEvaluatorServer({ store, log });
let port = 0;
beforeAll(async () => {
  await app.listen({ port: 0, host: '127.0.0.1' });
  port = (app.server.address() as AddressInfo).port;
});
afterAll(() => app.close());

/** A bulk answer read over a real socket, after letting it sit unread for `stallMs`. */
function bulk(targetingKey: string, stallMs: number): Promise<string> {
  const body = JSON.stringify({ context: { targetingKey } });
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        host: '127.0.0.1',
        port,
        path: '/ofrep/v1/evaluate/flags',
        method: 'POST',
        headers: {
          authorization: `Bearer ${SDK_KEY}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
      },
      (response) => {
        response.pause();
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        setTimeout(() => response.resume(), stallMs);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

describe('bulk answers written from reused buffers', () => {
  it('are never overwritten by a later answer while a slow client is still reading them', async () => {
    const users = Array.from({ length: 8 }, (_, i) => `user-${i}`);
    const alone = new Map<string, string>();
    for (const user of users) alone.set(user, await bulk(user, 0));
    expect(new Set(alone.values()).size).toBe(users.length);
    const together = await Promise.all(users.map((user, i) => bulk(user, 20 + 10 * i)));
    // Digests, so a failure names which answers differ without printing megabytes.
    const digest = (text: string | undefined) =>
      createHash('sha1')
        .update(text ?? '')
        .digest('hex');
    expect(together.map(digest)).toEqual(users.map((user) => digest(alone.get(user))));
    expect((JSON.parse(together[0]!) as { flags: unknown[] }).flags).toHaveLength(FLAGS);
  });
});
