import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import { createPool } from '../storage/db.js';
import type { StorageDeps } from '../storage/deps.js';
import { createLogger } from '../storage/logger.js';
import { migrate } from '../storage/migrate.js';
import { redisKeys } from '../storage/redis-keys.js';
import { createSdkKey } from '../storage/sdk-keys.js';
import { clearRedisPrefix } from '../test/db.js';

const ADMIN_URL = process.env.BENCH_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A section's own Postgres database (migrated by storage's migrate) and Redis prefix, removed by `close`. */
export interface BenchStore {
  url: string;
  prefix: string;
  deps: StorageDeps;
  /** The evaluator's settings for this store, for startServerProcess('evaluator', …). */
  evaluatorEnv: Record<string, string>;
  close(): Promise<void>;
}

export function databaseUrl(database: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function openBenchStore(label: string, options: { poolSize?: number } = {}): Promise<BenchStore> {
  const id = randomUUID().replaceAll('-', '').slice(0, 12);
  const database = `switchyard_bench_${label.replaceAll('-', '_')}_${id}`;
  const url = databaseUrl(database);
  const prefix = `bench-${label}:${id.slice(0, 8)}`;
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 2 });
  let pool: pg.Pool | undefined;
  const close = async () => {
    await pool?.end().catch(() => undefined);
    await clearRedisPrefix(redis, prefix).catch(() => undefined);
    redis.disconnect();
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(database)} WITH (FORCE)`);
    } finally {
      await admin.end();
    }
  };
  try {
    await migrate(url);
    pool = createPool(url, { max: options.poolSize ?? 8 });
  } catch (error) {
    await close();
    throw error;
  }
  const deps: StorageDeps = { pool, redis, keys: redisKeys(prefix), log: createLogger('silent') };
  return {
    url,
    prefix,
    deps,
    evaluatorEnv: { REDIS_URL, REDIS_PREFIX: prefix, DATABASE_URL: url, ENVIRONMENTS: 'dev,staging,production' },
    close,
  };
}

/** A production SDK key with the flags scope, created through storage (so it is in Redis's key table too). */
export async function productionKey(store: BenchStore): Promise<string> {
  const { key } = await createSdkKey(store.deps, {
    env: 'production',
    scopes: ['flags'],
    name: 'bench',
    actor: 'cli:bench',
  });
  return key;
}
