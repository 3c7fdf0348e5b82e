import { randomBytes, randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import { Redis } from 'ioredis';
import { createLogger } from '../storage/logger.js';
import { seedFlag } from '../test/snapshots.js';
import { redisKeys, type SdkKeyRecord } from '../storage/redis-keys.js';
import { hashSdkKey } from '../core/sdk-key.js';
import { writeSnapshot } from '../storage/snapshot-publisher.js';
import { clearRedisPrefix } from '../test/db.js';
import { startServerProcess } from './start-server-process.js';
import { SEED_KEY } from './peer-flags.js';
import { percentile } from './stats.js';

export const CONNECTIONS = 50;
export const DURATION_S = 10;
const WARMUP_S = 2;

export interface LoadResult {
  target: string;
  requestsPerSecond: number;
  p50ms: number;
  p99ms: number;
  total: number;
  non2xx: number;
  errors: number;
}

export interface HttpResult {
  request: { method: string; path: string; body: string };
  evaluator: LoadResult;
  bare: LoadResult;
  ratio: number;
}

interface Target {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/**
 * autocannon's own histogram keeps whole milliseconds; every response time is collected here
 * instead (autocannon measures it with hrtime), so sub-millisecond percentiles are real.
 */
async function load(name: string, target: Target, duration: number): Promise<LoadResult> {
  const samples: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: target.url,
        method: 'POST',
        headers: target.headers,
        body: target.body,
        connections: CONNECTIONS,
        duration,
      },
      (error, outcome) => (error ? reject(error) : resolve(outcome)),
    );
    instance.on('response', (_client, statusCode, _bytes, ms) => {
      if (statusCode >= 200 && statusCode < 300) samples.push(ms);
    });
  });
  return {
    target: name,
    requestsPerSecond: result.requests.average,
    p50ms: percentile(samples, 50),
    p99ms: percentile(samples, 99),
    total: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

/**
 * OFREP single-flag evaluation over HTTP: the real evaluator (its own process, snapshot and SDK
 * key in Redis under a throwaway prefix) against a bare node:http server answering the same
 * bytes, each loaded by autocannon from this process for 10 s after a 2 s warm-up.
 */
export async function runHttp(log: (line: string) => void): Promise<HttpResult> {
  const redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: 2 });
  const prefix = `bench-http:${randomUUID().slice(0, 8)}`;
  const keys = redisKeys(prefix);
  const sdkKey = `sy_production_${randomBytes(24).toString('base64url')}`;
  const record: SdkKeyRecord = { id: randomUUID(), env: 'production', scopes: ['flags'], name: 'bench' };
  const flag = seedFlag();
  try {
    await writeSnapshot(
      { redis, keys, log: createLogger('silent') },
      {
        env: 'production',
        version: 1,
        generatedAt: new Date().toISOString(),
        flags: { [flag.key]: flag },
        configs: {},
      },
    );
    await redis.hset(keys.sdkKeys, hashSdkKey(sdkKey), JSON.stringify(record));

    // A user who reaches the split: the longest path through the seed flag's rules.
    const body = JSON.stringify({
      context: {
        targetingKey: 'user-48151623',
        tenant: { id: 't-42', tier: 'standard' },
        user: { email: 'someone@example.com' },
      },
    });
    const path = `/ofrep/v1/evaluate/flags/${SEED_KEY}`;
    const headers = { authorization: `Bearer ${sdkKey}`, 'content-type': 'application/json' };

    const evaluator = await startServerProcess('evaluator', {
      REDIS_URL: 'redis://127.0.0.1:6379',
      REDIS_PREFIX: prefix,
      ENVIRONMENTS: 'production',
    });
    let evaluatorResult: LoadResult;
    let answer: string;
    try {
      const probe = await fetch(`${evaluator.url}${path}`, { method: 'POST', headers, body });
      answer = await probe.text();
      if (probe.status !== 200)
        throw new Error(`the evaluator answered ${probe.status} ${answer} before the benchmark`);
      log(`  evaluator (pid ${evaluator.pid}) answers ${answer}`);
      await load('evaluator', { url: `${evaluator.url}${path}`, headers, body }, WARMUP_S);
      evaluatorResult = await load('evaluator', { url: `${evaluator.url}${path}`, headers, body }, DURATION_S);
    } finally {
      await evaluator.stop();
    }
    log(
      `  evaluator: ${evaluatorResult.requestsPerSecond.toFixed(0)} req/s, p50 ${evaluatorResult.p50ms.toFixed(2)} ms, p99 ${evaluatorResult.p99ms.toFixed(2)} ms, non-2xx ${evaluatorResult.non2xx}`,
    );

    const bare = await startServerProcess('bare', { BENCH_BODY: answer });
    let bareResult: LoadResult;
    try {
      await load('bare node:http', { url: `${bare.url}${path}`, headers, body }, WARMUP_S);
      bareResult = await load('bare node:http', { url: `${bare.url}${path}`, headers, body }, DURATION_S);
    } finally {
      await bare.stop();
    }
    log(
      `  bare node:http: ${bareResult.requestsPerSecond.toFixed(0)} req/s, p50 ${bareResult.p50ms.toFixed(2)} ms, p99 ${bareResult.p99ms.toFixed(2)} ms`,
    );
    return {
      request: { method: 'POST', path, body },
      evaluator: evaluatorResult,
      bare: bareResult,
      ratio: evaluatorResult.requestsPerSecond / bareResult.requestsPerSecond,
    };
  } finally {
    await clearRedisPrefix(redis, prefix);
    redis.disconnect();
  }
}
