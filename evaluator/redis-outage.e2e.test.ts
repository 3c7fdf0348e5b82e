import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../storage/logger.js';
import { parseSettings, type Settings } from '../cli/settings.js';
import { redisKeys } from '../storage/redis-keys.js';
import { testRedisPrefix } from '../test/db.js';
import { plantDelta, plantSdkKey, plantSnapshot, within } from '../test/redis-fixture.js';
import { seedFlag, snapshotOf } from '../test/snapshots.js';
import { startEvaluator, type RunningEvaluator } from './server.js';

// These tests kill Redis, so they run their own redis-server processes: never the shared one on 6379.

const log = createLogger('silent');
const seed = seedFlag();
const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-evaluator-redis-'));
const servers = new Set<ChildProcess>();
const running: RunningEvaluator[] = [];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

async function startRedisServer(port: number, dbfilename = 'none.rdb'): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dataDir,
      '--dbfilename',
      dbfilename,
    ],
    {
      stdio: 'ignore',
    },
  );
  servers.add(child);
  child.once('exit', () => servers.delete(child));
  await within(5_000, async () => {
    const probe = new Redis({
      port,
      host: '127.0.0.1',
      lazyConnect: true,
      retryStrategy: () => null,
      maxRetriesPerRequest: 0,
    });
    probe.on('error', () => {});
    try {
      await probe.connect();
      return (await probe.ping()) === 'PONG';
    } catch {
      return false;
    } finally {
      probe.disconnect();
    }
  });
  return child;
}

async function stopRedisServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

function settingsFor(port: number, prefix: string): Settings {
  const parsed = parseSettings({
    REDIS_URL: `redis://127.0.0.1:${port}`,
    REDIS_PREFIX: prefix,
    EVALUATOR_PORT: '0',
    EVALUATOR_HOST: '127.0.0.1',
    ENVIRONMENTS: 'production',
    LOG_LEVEL: 'silent',
  });
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.settings;
}

async function evaluateSeed(evaluator: RunningEvaluator, sdkKey: string) {
  const started = performance.now();
  const response = await fetch(`${evaluator.url}/ofrep/v1/evaluate/flags/${seed.key}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${sdkKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ context: { targetingKey: 'u1', user: { email: 'ada@companyos.io' } } }),
  });
  // 401 (a key not loaded yet) has no body in OFREP: polls must be able to look again.
  const text = await response.text();
  return {
    status: response.status,
    body: (text ? JSON.parse(text) : {}) as Record<string, unknown>,
    ms: performance.now() - started,
  };
}

const readyz = async (evaluator: RunningEvaluator) => {
  const response = await fetch(`${evaluator.url}/readyz`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};
const metricsText = async (evaluator: RunningEvaluator) => (await fetch(`${evaluator.url}/metrics`)).text();

afterEach(async () => {
  for (const evaluator of running.splice(0)) await evaluator.close();
  for (const child of [...servers]) await stopRedisServer(child);
});

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('when Redis becomes unreachable', () => {
  it('keeps serving the last known good snapshot, says so, and catches up on a change it missed', async () => {
    const port = await freePort();
    const prefix = testRedisPrefix('evaluator-outage');
    const keys = redisKeys(prefix);
    let redis = await startRedisServer(port);
    const admin = new Redis({ port, host: '127.0.0.1' });
    await plantSnapshot(admin, keys, snapshotOf('production', 1, [seed]));
    const sdkKey = await plantSdkKey(admin, keys, { env: 'production', scopes: ['flags'] });
    admin.disconnect();

    // The safety poll is pushed out of the way: only the reconnect catch-up can find the change.
    const evaluator = await startEvaluator(settingsFor(port, prefix), {
      log,
      pollIntervalMs: 600_000,
      reconnectCapMs: 250,
    });
    running.push(evaluator);
    await evaluator.loaded;
    expect((await evaluateSeed(evaluator, sdkKey)).body).toMatchObject({
      variant: 'rust_engine',
      reason: 'TARGETING_MATCH',
    });

    await stopRedisServer(redis);
    await within(2_000, async () => !evaluator.store.status().redisConnected);

    const during = await evaluateSeed(evaluator, sdkKey);
    expect(during.status).toBe(200);
    expect(during.body).toMatchObject({ variant: 'rust_engine', reason: 'TARGETING_MATCH' });
    expect(during.ms).toBeLessThan(250);
    const degraded = await readyz(evaluator);
    expect(degraded.status).toBe(200);
    expect(degraded.body).toMatchObject({
      ready: true,
      degraded: true,
      servingLastKnownGood: true,
      redis: 'disconnected',
      environments: { production: 1 },
    });
    expect(await metricsText(evaluator)).toContain('switchyard_redis_connected 0');

    // The change made during the outage reaches Redis without any invalidation the evaluator
    // could hear: a scratch server writes it to an RDB file the restarted server boots from.
    const scratchPort = await freePort();
    const scratch = await startRedisServer(scratchPort, 'catch-up.rdb');
    const writer = new Redis({ port: scratchPort, host: '127.0.0.1' });
    const killed = structuredClone(seed);
    killed.environments.production = {
      killed: true,
      killedTenants: [],
      userOverrides: {},
      tenantOverrides: {},
      rules: [],
    };
    await plantSnapshot(writer, keys, snapshotOf('production', 2, [killed]), { announce: false });
    await writer.save();
    writer.disconnect();
    await stopRedisServer(scratch);

    redis = await startRedisServer(port, 'catch-up.rdb');
    const elapsed = await within(1_000, async () => (await evaluateSeed(evaluator, sdkKey)).body.reason === 'DISABLED');
    expect(elapsed).toBeLessThan(1_000);
    // Redis came back without the SDK key table: known keys keep working (see SnapshotSync.reloadKeys).
    expect((await evaluateSeed(evaluator, sdkKey)).status).toBe(200);
    expect((await readyz(evaluator)).body).toMatchObject({
      ready: true,
      degraded: false,
      redis: 'connected',
      environments: { production: 2 },
    });
    expect(await metricsText(evaluator)).toContain('switchyard_redis_connected 1');

    // The feed flows again on the re-established connection (the poll is still out of the way).
    const after = new Redis({ port, host: '127.0.0.1' });
    await plantSnapshot(after, keys, snapshotOf('production', 3, [seed]));
    after.disconnect();
    await within(1_000, async () => (await evaluateSeed(evaluator, sdkKey)).body.reason === 'TARGETING_MATCH');
  });

  it('answers /healthz but not /readyz while Redis is down at boot, and loads once it is up', async () => {
    const port = await freePort();
    const prefix = testRedisPrefix('evaluator-boot');
    const keys = redisKeys(prefix);
    const evaluator = await startEvaluator(settingsFor(port, prefix), {
      log,
      pollIntervalMs: 600_000,
      reconnectCapMs: 100,
    });
    running.push(evaluator);
    expect((await fetch(`${evaluator.url}/healthz`)).status).toBe(200);
    const notReady = await readyz(evaluator);
    expect(notReady.status).toBe(503);
    expect(notReady.body).toMatchObject({ ready: false, redis: 'disconnected' });

    await startRedisServer(port);
    const admin = new Redis({ port, host: '127.0.0.1' });
    await plantSnapshot(admin, keys, snapshotOf('production', 3, [seed]));
    const sdkKey = await plantSdkKey(admin, keys, { env: 'production', scopes: ['flags'] });
    admin.disconnect();
    await evaluator.loaded;
    await within(2_000, async () => (await evaluateSeed(evaluator, sdkKey)).status === 200);
    expect((await readyz(evaluator)).status).toBe(200);
  });
});

describe('a change published while the evaluator cannot hear it', () => {
  it('is served after the evaluator reconnects, from the feed it resumes', async () => {
    const port = await freePort();
    const prefix = testRedisPrefix('evaluator-resume');
    const keys = redisKeys(prefix);
    const redis = await startRedisServer(port, 'resume.rdb');
    const admin = new Redis({ port, host: '127.0.0.1' });
    await plantSnapshot(admin, keys, snapshotOf('production', 1, [seed]));
    const sdkKey = await plantSdkKey(admin, keys, { env: 'production', scopes: ['flags'] });
    const evaluator = await startEvaluator(settingsFor(port, prefix), {
      log,
      pollIntervalMs: 600_000,
      reconnectCapMs: 250,
    });
    running.push(evaluator);
    await evaluator.loaded;
    // Redis keeps what it has across the restart below (as one with persistence would); the change is made while it is down.
    await admin.save();
    admin.disconnect();
    await stopRedisServer(redis);
    await within(2_000, async () => !evaluator.store.status().redisConnected);

    const scratchPort = await freePort();
    const scratch = await startRedisServer(scratchPort, 'resume.rdb');
    const writer = new Redis({ port: scratchPort, host: '127.0.0.1' });
    const killed = structuredClone(seed);
    killed.environments.production = {
      killed: true,
      killedTenants: [],
      userOverrides: {},
      tenantOverrides: {},
      rules: [],
    };
    await plantDelta(writer, keys, 'production', { flags: [killed] });
    await writer.save();
    writer.disconnect();
    await stopRedisServer(scratch);

    await startRedisServer(port, 'resume.rdb');
    await within(2_000, async () => (await evaluateSeed(evaluator, sdkKey)).body.reason === 'DISABLED');
    expect((await readyz(evaluator)).body).toMatchObject({
      ready: true,
      degraded: false,
      environments: { production: 2 },
    });
  });
});

describe('when Redis restarts empty while the evaluator runs', () => {
  it('keeps serving the last known good, stays ready, and picks up the state republished into the empty Redis', async () => {
    const port = await freePort();
    const prefix = testRedisPrefix('evaluator-flushed');
    const keys = redisKeys(prefix);
    await startRedisServer(port);
    const admin = new Redis({ port, host: '127.0.0.1' });
    await plantSnapshot(admin, keys, snapshotOf('production', 4, [seed]));
    const sdkKey = await plantSdkKey(admin, keys, { env: 'production', scopes: ['flags'] });
    const evaluator = await startEvaluator(settingsFor(port, prefix), {
      log,
      pollIntervalMs: 100,
      reconnectCapMs: 250,
    });
    running.push(evaluator);
    await evaluator.loaded;

    await admin.flushall();
    // Several polls pass over the empty Redis: nothing held is dropped, the keys keep working.
    await new Promise((resolve) => setTimeout(resolve, 400));
    const during = await evaluateSeed(evaluator, sdkKey);
    expect(during.status).toBe(200);
    expect(during.body).toMatchObject({ variant: 'rust_engine' });
    expect((await readyz(evaluator)).body).toMatchObject({ ready: true, environments: { production: 4 } });

    // What the repair loop does: a full write of the environment and the key table, announced on a new feed.
    const killed = structuredClone(seed);
    killed.environments.production = {
      killed: true,
      killedTenants: [],
      userOverrides: {},
      tenantOverrides: {},
      rules: [],
    };
    await plantSnapshot(admin, keys, snapshotOf('production', 5, [killed]));
    await within(1_000, async () => (await evaluateSeed(evaluator, sdkKey)).body.reason === 'DISABLED');
    // And deltas follow on the new feed.
    await plantDelta(admin, keys, 'production', { flags: [seed] });
    await within(1_000, async () => (await evaluateSeed(evaluator, sdkKey)).body.reason === 'TARGETING_MATCH');
    admin.disconnect();
  });
});
