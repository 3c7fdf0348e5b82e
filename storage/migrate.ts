import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runner } from 'node-pg-migrate';
import pg from 'pg';
import type { Logger } from 'pino';

/** The migrations folder, from the sources (tsx) or from the compiled dist/storage. */
export function migrationsDir(): string {
  for (const relative of ['../migrations', '../../migrations']) {
    const dir = fileURLToPath(new URL(relative, import.meta.url));
    if (existsSync(dir)) return dir;
  }
  throw new Error('migrations folder not found next to storage/ (looked in ../migrations and ../../migrations)');
}

/** Creates the database named in the URL when missing, connecting to the server's `postgres` database. */
export async function ensureDatabase(databaseUrl: string, log?: Logger): Promise<void> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!name || name === 'postgres') return;
  url.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount) return;
    await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
    log?.info({ database: name }, 'created database');
  } catch (err) {
    // Two processes migrating at once: the other one created it first.
    if ((err as { code?: string }).code !== '42P04') throw err;
  } finally {
    await admin.end();
  }
}

/**
 * Applies every pending migration (`switchyard migrate`), creating the database first if needed.
 * node-pg-migrate holds an advisory lock meanwhile; a second migrator waits for it.
 * Returns the names of the migrations applied.
 */
export async function migrate(databaseUrl: string, options: { log?: Logger } = {}): Promise<string[]> {
  const { log } = options;
  await ensureDatabase(databaseUrl, log);
  const applied = await runner({
    databaseUrl,
    dir: migrationsDir(),
    migrationsTable: 'pgmigrations',
    direction: 'up',
    checkOrder: true,
    singleTransaction: true,
    advisoryLockMode: 'wait',
    logger: log
      ? {
          debug: (msg) => log.debug(msg),
          info: (msg) => log.info(msg),
          warn: (msg) => log.warn(msg),
          error: (msg) => log.error(msg),
        }
      : { info: () => undefined, warn: () => undefined, error: (msg) => process.stderr.write(`${msg}\n`) },
  });
  const names = applied.map((m) => m.name);
  log?.info({ migrations: names }, names.length ? 'migrations applied' : 'database schema up to date');
  return names;
}
