import { Redis } from 'ioredis';
import { importEntries } from '../cli/import-command.js';
import { createPool } from '../storage/db.js';
import { createLogger } from '../storage/logger.js';
import { redisKeys } from '../storage/redis-keys.js';

/**
 * `switchyard import` for the import benchmark, in a child process so the parent can stop an
 * import that overruns its budget. Reads BENCH_IMPORT_DATABASE_URL, BENCH_IMPORT_REDIS_URL,
 * BENCH_IMPORT_PREFIX and BENCH_IMPORT_DIR; reports `{ ms, applied, unchanged }` (the time
 * importEntries took) or `{ error }` over IPC, then exits.
 */
const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`import-process: ${name} is not set`);
  return value;
};
const pool = createPool(env('BENCH_IMPORT_DATABASE_URL'), { max: 4 });
const redis = new Redis(env('BENCH_IMPORT_REDIS_URL'), { maxRetriesPerRequest: 2 });
const deps = { pool, redis, keys: redisKeys(env('BENCH_IMPORT_PREFIX')), log: createLogger('silent') };
try {
  const started = performance.now();
  const report = await importEntries(deps, env('BENCH_IMPORT_DIR'), { actor: 'cli:bench', reason: 'import benchmark' });
  process.send?.({ ms: performance.now() - started, applied: report.applied, unchanged: report.unchanged });
} catch (error) {
  process.send?.({ error: (error as Error).message });
} finally {
  await pool.end();
  redis.disconnect();
}
