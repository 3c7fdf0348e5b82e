import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import { createLogger } from '../storage/logger.js';
import type { FlagDocument } from '../core/model/flag.js';
import { seedFlag } from '../test/snapshots.js';
import { applyChange } from '../storage/apply-change.js';
import { createPool } from '../storage/db.js';
import type { StorageDeps } from '../storage/deps.js';
import { migrate } from '../storage/migrate.js';
import { redisKeys } from '../storage/redis-keys.js';
import { createSdkKey } from '../storage/sdk-keys.js';
import { clearRedisPrefix } from '../test/db.js';
import { startServerProcess } from './start-server-process.js';
import { SEED_KEY } from './peer-flags.js';
import { percentile } from './stats.js';

export const CHANGES = 100;
const ADMIN_URL = process.env.BENCH_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const GIVE_UP_MS = 5_000;

export interface PropagationResult {
  changes: number;
  /** applyChange called → evaluator serves the new value. */
  endToEnd: { p50: number; p99: number; max: number };
  /** applyChange called → returned (Postgres commit + snapshot rebuild + Redis write and publish). */
  apply: { p50: number; p99: number };
  /** applyChange returned → evaluator serves the new value (invalidation, reload, compile). */
  afterApply: { p50: number; p99: number };
  pollRequests: number;
}

function urlOf(database: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

function killed(flag: FlagDocument, on: boolean): FlagDocument {
  const state = { killed: on, killedTenants: [], userOverrides: {}, tenantOverrides: {}, rules: [] };
  return { ...flag, environments: { ...flag.environments, production: state } };
}

/**
 * From the data plane's apply to a served value: a fresh database migrated with storage's
 * migrate, Redis under a throwaway prefix, the evaluator in its own process. 100 changes flip
 * the seed flag's production kill switch; after each, the evaluator is asked over HTTP, back
 * to back, until it answers with the new state.
 */
export async function runPropagation(log: (line: string) => void): Promise<PropagationResult> {
  const database = `switchyard_bench_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const url = urlOf(database);
  const prefix = `bench-propagation:${randomUUID().slice(0, 8)}`;
  const redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: 2 });
  let pool: pg.Pool | undefined;
  try {
    await migrate(url);
    pool = createPool(url, { max: 4 });
    const deps: StorageDeps = { pool, redis, keys: redisKeys(prefix), log: createLogger('silent') };
    const seed = seedFlag();
    let version = (
      await applyChange(deps, {
        changeId: randomUUID(),
        actor: 'cli:bench',
        action: 'flag.create',
        target: { kind: 'flag', key: SEED_KEY, document: killed(seed, false) },
        expectedVersion: 0,
        reason: 'benchmark',
      })
    ).version;
    const { key } = await createSdkKey(deps, {
      env: 'production',
      scopes: ['flags'],
      name: 'bench',
      actor: 'cli:bench',
    });

    const evaluator = await startServerProcess('evaluator', {
      REDIS_URL: 'redis://127.0.0.1:6379',
      REDIS_PREFIX: prefix,
      ENVIRONMENTS: 'dev,staging,production',
    });
    const endpoint = `${evaluator.url}/ofrep/v1/evaluate/flags/${SEED_KEY}`;
    const request = {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ context: { targetingKey: 'ada', user: { email: 'ada@companyos.io' } } }),
    };
    const servedReason = async () => {
      const response = await fetch(endpoint, request);
      const body = (await response.json()) as { reason?: string };
      return body.reason;
    };
    const endToEnd: number[] = [];
    const apply: number[] = [];
    const afterApply: number[] = [];
    let pollRequests = 0;
    try {
      if ((await servedReason()) !== 'TARGETING_MATCH')
        throw new Error('the evaluator does not serve the seed flag before the benchmark');
      for (let i = 1; i <= CHANGES; i++) {
        const kill = i % 2 === 1;
        const expected = kill ? 'DISABLED' : 'TARGETING_MATCH';
        const started = performance.now();
        const applied = await applyChange(deps, {
          changeId: randomUUID(),
          actor: 'cli:bench',
          action: kill ? 'flag.kill' : 'flag.on',
          target: { kind: 'flag', key: SEED_KEY, document: killed(seed, kill) },
          expectedVersion: version,
          environment: 'production',
          reason: `benchmark change ${i}`,
        });
        const returned = performance.now();
        version = applied.version;
        for (;;) {
          pollRequests++;
          if ((await servedReason()) === expected) break;
          if (performance.now() - started > GIVE_UP_MS)
            throw new Error(`change ${i} was not served within ${GIVE_UP_MS} ms`);
        }
        const served = performance.now();
        endToEnd.push(served - started);
        apply.push(returned - started);
        afterApply.push(served - returned);
      }
    } finally {
      await evaluator.stop();
    }
    const result: PropagationResult = {
      changes: CHANGES,
      endToEnd: { p50: percentile(endToEnd, 50), p99: percentile(endToEnd, 99), max: Math.max(...endToEnd) },
      apply: { p50: percentile(apply, 50), p99: percentile(apply, 99) },
      afterApply: { p50: percentile(afterApply, 50), p99: percentile(afterApply, 99) },
      pollRequests,
    };
    log(
      `  ${CHANGES} changes: applyChange → served p50 ${result.endToEnd.p50.toFixed(1)} ms, p99 ${result.endToEnd.p99.toFixed(1)} ms (applyChange itself p50 ${result.apply.p50.toFixed(1)} ms)`,
    );
    return result;
  } finally {
    await pool?.end();
    await clearRedisPrefix(redis, prefix).catch(() => undefined);
    redis.disconnect();
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(database)} WITH (FORCE)`);
    } finally {
      await admin.end();
    }
  }
}
