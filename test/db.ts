import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import pg from 'pg';
import { inject } from 'vitest';
import { createPool, type Pool } from '../storage/db.js';

export interface TestDatabase {
  url: string;
  pool: Pool;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

/**
 * A fresh, migrated database of the test's own, copied from the template the global setup built
 * (a file copy: tens of milliseconds, not a migration run).
 */
export async function createTestDatabase(
  name = `switchyard_test_${randomUUID().replaceAll('-', '').slice(0, 16)}`,
): Promise<TestDatabase> {
  const template = inject('switchyardTemplateDatabase');
  const adminUrl = inject('testDatabaseAdminUrl');
  if (!template)
    throw new Error(`no template database: Postgres was unreachable at ${adminUrl} when the tests started`);
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)} TEMPLATE ${pg.escapeIdentifier(template)}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const pool = createPool(url.toString(), { max: 10 });
  return {
    url: url.toString(),
    pool,
    async drop() {
      await pool.end();
      const admin = new pg.Client({ connectionString: adminUrl });
      await admin.connect();
      try {
        await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
      } finally {
        await admin.end();
      }
    },
  };
}

/** A Redis key prefix no other test (file or run) uses: pass it to redisKeys(). */
export function testRedisPrefix(label = 'test'): string {
  return `${label}:${randomUUID().slice(0, 8)}`;
}

/** Removes every key under a test prefix. */
export async function clearRedisPrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
    if (keys.length) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}
