import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileSnapshot } from '../../core/engine/index.js';
import { createEvaluatorServer } from '../../evaluator/server.js';
import { SnapshotStore } from '../../evaluator/snapshot-store.js';
import { StreamTokens } from '../../evaluator/stream-token.js';
import { createLogger } from '../../storage/logger.js';
import { redisKeys } from '../../storage/redis-keys.js';
import { clearRedisPrefix, testRedisPrefix } from '../db.js';
import { plantSdkKey, plantSnapshot } from '../redis-fixture.js';
import { killedIn, SEED_KEY, snapshotOf } from '../snapshots.js';

/**
 * A browser application on its own origin, using the OpenFeature web SDK with the OFREP web
 * provider against the evaluator: it reads a flag across origins (CORS), and learns of a change
 * through the bulk answer's event stream, without reloading or polling.
 */

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
// CI installs Chromium (.ci/run): there a missing browser is a failure, not a skip.
if (!hasChromium && process.env.CI)
  throw new Error(`${CHROMIUM} is missing under CI: install it with \`apt-get install -y chromium\` (as .ci/run does)`);
if (!hasChromium)
  console.warn(`skipping the browser test: ${CHROMIUM} is missing (install it with \`apt-get install -y chromium\`)`);

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const ROOT = join(import.meta.dirname, '..', '..');
const log = createLogger('silent');
const prefix = testRedisPrefix('browser');
const keys = redisKeys(prefix);
// An internal email: the seed flag's first rule serves it true in every environment.
const CONTEXT = { targetingKey: 'user-1', user: { email: 'ana@companyos.io' } };

/** The page's script: what an application does with the two SDK packages, and a render of the flag into the page. */
const APP = `
import { OpenFeature, ProviderEvents } from '@openfeature/web-sdk';
import { OFREPWebProvider } from '@openfeature/ofrep-web-provider';

window.pageId = Math.random().toString(36).slice(2);
window.start = async (baseUrl, sdkKey, flagKey, context) => {
  await OpenFeature.setContext(context);
  // cacheMode disabled: every page starts from the network, so the test sees what the evaluator serves.
  await OpenFeature.setProviderAndWait(new OFREPWebProvider({ baseUrl, headers: [['Authorization', 'Bearer ' + sdkKey]], cacheMode: 'disabled' }));
  const client = OpenFeature.getClient();
  const render = () => {
    const details = client.getBooleanDetails(flagKey, false);
    document.getElementById('flag').textContent = JSON.stringify({ value: details.value, reason: details.reason, errorCode: details.errorCode });
  };
  client.addHandler(ProviderEvents.ConfigurationChanged, render);
  render();
};
`;

let admin: Redis;
const connections: Redis[] = [];
let store: SnapshotStore;
let app: FastifyInstance;
let pages: Server;
let browser: Browser;
let page: Page;
let evaluatorUrl: string;
let pageUrl: string;
let sdkKey: string;
const requested: string[] = [];

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function shown(): Promise<{ value: boolean; reason?: string; errorCode?: string } | undefined> {
  const text = await page.textContent('#flag');
  return text ? JSON.parse(text) : undefined;
}

async function until<T>(ms: number, read: () => Promise<T>, ok: (value: T) => boolean): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() - started > ms) throw new Error(`not within ${ms} ms; last seen: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.skipIf(!hasChromium)('a browser on another origin', () => {
  beforeAll(async () => {
    const bundle = await build({
      stdin: { contents: APP, resolveDir: ROOT, loader: 'js' },
      bundle: true,
      write: false,
      format: 'iife',
      platform: 'browser',
      target: 'es2020',
      logLevel: 'silent',
    });
    const script = bundle.outputFiles[0]!.text;
    // The page's origin: another port than the evaluator's, so every call to it is cross-origin.
    pages = createServer((request, response) => {
      if (request.url === '/app.js') response.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
      else
        response
          .writeHead(200, { 'content-type': 'text/html' })
          .end('<!doctype html><title>app</title><p id="flag"></p><script src="/app.js"></script>');
    });
    pageUrl = await listen(pages);

    admin = new Redis(REDIS_URL);
    await plantSnapshot(admin, keys, snapshotOf('production', 1));
    sdkKey = await plantSdkKey(admin, keys, { env: 'production', scopes: ['flags'] });
    const redis = new Redis(REDIS_URL, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    const subscriber = new Redis(REDIS_URL, { autoResubscribe: false });
    connections.push(redis, subscriber);
    store = new SnapshotStore({
      redis,
      subscriber,
      keys,
      compile: (s) => compileSnapshot(s),
      log,
      environments: ['production'],
      pollIntervalMs: 0,
    });
    await store.start();
    app = createEvaluatorServer({
      store,
      log,
      corsOrigins: [pageUrl],
      eventStreams: { source: store, tokens: new StreamTokens({ secret: 'b'.repeat(32) }) },
    });
    evaluatorUrl = await app.listen({ port: 0, host: '127.0.0.1' });

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = await browser.newPage();
    page.on('request', (request) => requested.push(`${request.method()} ${request.url()}`));
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    store?.stop();
    for (const connection of connections) connection.disconnect();
    pages?.close();
    if (admin) {
      await clearRedisPrefix(admin, prefix);
      admin.disconnect();
    }
  });

  it('reads a flag through the OFREP web provider, and shows a kill pushed over the event stream without reloading', async () => {
    await page.goto(pageUrl);
    const pageId = await page.evaluate('window.pageId');
    await page.evaluate(
      ([base, key, flagKey, context]) =>
        (globalThis as unknown as { start(...args: unknown[]): Promise<void> }).start(base, key, flagKey, context),
      [evaluatorUrl, sdkKey, SEED_KEY, CONTEXT] as const,
    );
    expect(await shown()).toMatchObject({ value: true, reason: 'TARGETING_MATCH' });

    // The provider opened the stream the bulk answer named; nothing polls.
    await until(
      5_000,
      async () => requested.filter((r) => r.startsWith(`GET ${evaluatorUrl}/ofrep/v1/events?token=`)).length,
      (n) => n > 0,
    );
    const bulkBefore = requested.filter((r) => r.startsWith(`POST ${evaluatorUrl}/ofrep/v1/evaluate/flags`)).length;

    const published = Date.now();
    await plantSnapshot(admin, keys, snapshotOf('production', 2, [killedIn('production')]));
    const after = await until(5_000, shown, (flag) => flag?.value === false);
    expect(after).toMatchObject({ value: false, reason: 'DISABLED' });
    expect(Date.now() - published).toBeLessThan(5_000);

    // The same page: no reload, and the value came from a bulk re-fetch the stream prompted.
    expect(await page.evaluate('window.pageId')).toBe(pageId);
    expect(requested.filter((r) => r.startsWith(`GET ${pageUrl}`)).length).toBe(2);
    expect(
      requested.filter((r) => r.startsWith(`POST ${evaluatorUrl}/ofrep/v1/evaluate/flags`)).length,
    ).toBeGreaterThan(bulkBefore);
  });
});
