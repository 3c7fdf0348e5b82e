import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Pool } from './db.js';
import type { RedisKeys } from './redis-keys.js';

/** What the storage functions that touch both stores need; built once per process. */
export interface StorageDeps {
  pool: Pool;
  redis: Redis;
  keys: RedisKeys;
  log: Logger;
}
