import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { chromium, type Browser } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileSnapshot } from '../../core/engine/index.js';
import { createEvaluatorServer } from '../../evaluator/server.js';
import { SnapshotStore } from '../../evaluator/snapshot-store.js';
import { StreamTokens } from '../../evaluator/stream-token.js';
import { createLogger } from '../../storage/logger.js';
import { redisKeys } from '../../storage/redis-keys.js';
import { clearRedisPrefix, testRedisPrefix } from '../db.js';
import { plantSdkKey, plantSnapshot } from '../redis-fixture.js';
import { flag, snapshotOf } from '../snapshots.js';

/**
 * The React example (examples/web) as a reader would run it: built by Vite with the evaluator's
 * URL and an SDK key, served from its own origin, it shows `checkout-v2` through
 * `@openfeature/react-sdk`'s `useFlag` and switches its UI when a kill is pushed, without reloading.
 */

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
// CI installs Chromium (.ci/run): there a missing browser is a failure, not a skip.
if (!hasChromium && process.env.CI)
  throw new Error(`${CHROMIUM} is missing under CI: install it with \`apt-get install -y chromium\` (as .ci/run does)`);
if (!hasChromium)
  console.warn(
    `skipping the React example's browser test: ${CHROMIUM} is missing (install it with \`apt-get install -y chromium\`)`,
  );

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const ROOT = join(import.meta.dirname, '..', '..');
const EXAMPLE = join(ROOT, 'examples', 'web');
const log = createLogger('silent');
const prefix = testRedisPrefix('react-example');
const keys = redisKeys(prefix);

const checkoutV2 = (killed: boolean) =>
  flag({
    key: 'checkout-v2',
    description: 'New checkout',
    owner: 'web',
    variations: [
      { id: 'on', value: true },
      { id: 'off', value: false },
    ],
    default: 'off',
    environments: { production: { killed, serve: { serve: 'on' } } },
  });

/** Builds the example into a fresh directory; `env` is what a reader puts in examples/web/.env.local. */
async function buildExample(env: { VITE_SWITCHYARD_URL?: string; VITE_SWITCHYARD_SDK_KEY?: string }): Promise<string> {
  const outDir = await mkdtemp(join(tmpdir(), 'switchyard-react-example-'));
  await build({
    configFile: join(EXAMPLE, 'vite.config.ts'),
    logLevel: 'silent',
    build: { outDir, emptyOutDir: true },
    define: {
      'import.meta.env.VITE_SWITCHYARD_URL': JSON.stringify(env.VITE_SWITCHYARD_URL),
      'import.meta.env.VITE_SWITCHYARD_SDK_KEY': JSON.stringify(env.VITE_SWITCHYARD_SDK_KEY),
    },
  });
  return outDir;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
};

/** Serves one build's files, as any web host would; `dir` is read per request, since the build comes after the port. */
function staticFiles(dir: () => string): RequestListener {
  return (request, response) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    const file = normalize(join(dir(), path === '/' ? 'index.html' : path));
    if (!file.startsWith(dir())) return void response.writeHead(404).end();
    readFile(file).then(
      (body) =>
        response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body),
      () => response.writeHead(404).end(),
    );
  };
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

it('the example type-checks with its own tsconfig (the root tsconfig leaves examples/ out)', async () => {
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  await expect(
    promisify(execFile)(process.execPath, [tsc, '-p', join(EXAMPLE, 'tsconfig.json')], { cwd: ROOT }),
  ).resolves.toBeDefined();
}, 60_000);

describe.skipIf(!hasChromium)('the React example in a browser on another origin', () => {
  let admin: Redis;
  const connections: Redis[] = [];
  let store: SnapshotStore;
  let evaluator: FastifyInstance;
  const servers: Server[] = [];
  const builds: string[] = [];
  let browser: Browser;
  let appUrl: string;
  let unconfiguredUrl: string;
  let evaluatorUrl: string;

  beforeAll(async () => {
    // The page's origin must exist before the evaluator starts, so the evaluator can allow it;
    // the build, which needs the evaluator's URL, comes last.
    let appDir = '';
    const appServer = createServer(staticFiles(() => appDir));
    servers.push(appServer);
    appUrl = await listen(appServer);

    admin = new Redis(REDIS_URL);
    await plantSnapshot(admin, keys, snapshotOf('production', 1, [checkoutV2(false)]));
    const sdkKey = await plantSdkKey(admin, keys, { env: 'production', scopes: ['flags'] });
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
    evaluator = createEvaluatorServer({
      store,
      log,
      corsOrigins: [appUrl],
      eventStreams: { source: store, tokens: new StreamTokens({ secret: 'r'.repeat(32) }) },
    });
    evaluatorUrl = await evaluator.listen({ port: 0, host: '127.0.0.1' });

    const [configured, unconfigured] = await Promise.all([
      buildExample({ VITE_SWITCHYARD_URL: evaluatorUrl, VITE_SWITCHYARD_SDK_KEY: sdkKey }),
      buildExample({}),
    ]);
    builds.push(configured, unconfigured);
    appDir = configured;
    const bare = createServer(staticFiles(() => unconfigured));
    servers.push(bare);
    unconfiguredUrl = await listen(bare);

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
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await evaluator?.close();
    store?.stop();
    for (const connection of connections) connection.disconnect();
    for (const server of servers) server.close();
    for (const dir of builds) await rm(dir, { recursive: true, force: true });
    if (admin) {
      await clearRedisPrefix(admin, prefix);
      admin.disconnect();
    }
  });

  it('shows checkout-v2 from the evaluator, and switches to the classic checkout when the flag is killed, without reloading', async () => {
    const page = await browser.newPage();
    const requested: string[] = [];
    page.on('request', (request) => requested.push(`${request.method()} ${request.url()}`));
    await page.goto(appUrl);

    await expect.poll(() => page.textContent('#flag-value'), { timeout: 10_000 }).toBe('true');
    expect(await page.textContent('#flag-reason')).toBe('STATIC');
    expect(await page.getAttribute('#checkout', 'data-variant')).toBe('v2');
    expect(await page.textContent('main')).toContain('updates without a reload');

    // The provider listens on the stream the bulk answer named; the kill must reach it there.
    await expect
      .poll(() => requested.some((r) => r.startsWith(`GET ${evaluatorUrl}/ofrep/v1/events?token=`)), { timeout: 5_000 })
      .toBe(true);
    await page.evaluate(() => Object.assign(globalThis, { notReloaded: true }));

    await plantSnapshot(admin, keys, snapshotOf('production', 2, [checkoutV2(true)]));
    await expect.poll(() => page.getAttribute('#checkout', 'data-variant'), { timeout: 5_000 }).toBe('classic');
    expect(await page.textContent('#flag-value')).toBe('false');
    expect(await page.textContent('#flag-reason')).toBe('DISABLED');
    expect(await page.evaluate(() => (globalThis as { notReloaded?: boolean }).notReloaded)).toBe(true);
    expect(requested.filter((r) => r === `GET ${appUrl}/`)).toHaveLength(1);
    await page.close();
  });

  it('built without the evaluator URL and SDK key, it says which variables to set', async () => {
    const page = await browser.newPage();
    await page.goto(unconfiguredUrl);
    const problems = await page.locator('#problems').textContent({ timeout: 10_000 });
    expect(problems).toContain('VITE_SWITCHYARD_URL is not set');
    expect(problems).toContain('VITE_SWITCHYARD_SDK_KEY is not set');
    await page.close();
  });
});
