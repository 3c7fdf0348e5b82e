import { policyOf } from '../core/policy.js';
import { userInfo } from 'node:os';
import { Redis } from 'ioredis';
import { createLogger, type Logger } from '../storage/logger.js';
import type { Settings } from './settings.js';
import { createPool } from '../storage/db.js';
import type { StorageDeps } from '../storage/deps.js';
import { redisKeys } from '../storage/redis-keys.js';

/** Postgres and Redis for a one-shot CLI command; `close()` lets the process exit. */
export function openStorage(settings: Settings, log: Logger = createLogger(settings.LOG_LEVEL, 'cli')) {
  const pool = createPool(settings.DATABASE_URL, { log });
  const redis = new Redis(settings.REDIS_URL, { maxRetriesPerRequest: 2, lazyConnect: false });
  redis.on('error', (error) => log.debug({ err: error }, 'redis connection error'));
  const deps: StorageDeps = { pool, redis, keys: redisKeys(settings.REDIS_PREFIX), log };
  return {
    deps,
    /** Which environments are production, from the settings (docs/design.md#policy). */
    policy: policyOf(settings),
    async close() {
      await pool.end();
      redis.disconnect();
    },
  };
}

/**
 * Who a CLI change is recorded as: `cli:<name>` (operator bootstrap is audited like any change,
 * docs/design.md#audit-chain). The first name that is not blank wins: `--as`, SWITCHYARD_OPERATOR,
 * USER, then the OS account (USER is often unset in containers), so an audit row never says `cli:`.
 */
export function cliActor(
  name: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  osUser: () => string = () => userInfo().username,
): string {
  const given = [name, env.SWITCHYARD_OPERATOR, env.USER]
    .map((candidate) => candidate?.trim())
    .find((candidate) => candidate);
  return `cli:${given ?? accountName(osUser) ?? 'operator'}`;
}

function accountName(osUser: () => string): string | undefined {
  try {
    return osUser().trim() || undefined;
  } catch {
    // No passwd entry for this uid (an arbitrary uid in a container).
    return undefined;
  }
}
