import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { migrate, migrationsDir } from '../storage/migrate.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A migrated database that test files copy (CREATE DATABASE … TEMPLATE); unset when Postgres is unreachable. */
    switchyardTemplateDatabase: string | undefined;
    testDatabaseAdminUrl: string;
  }
}

export const ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * The template is named after the migrations' content: a clean slate whenever they change, and
 * two test runs at once (several people share this Postgres) never drop each other's template.
 */
function templateName(): string {
  const dir = migrationsDir();
  const hash = createHash('sha256');
  for (const file of readdirSync(dir).sort()) hash.update(file).update(readFileSync(`${dir}/${file}`));
  return `switchyard_test_template_${hash.digest('hex').slice(0, 12)}`;
}

function urlFor(database: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

async function buildTemplate(admin: pg.Client, name: string): Promise<void> {
  const ident = pg.escapeIdentifier(name);
  // Session lock: a concurrent run waits here, then finds the finished template.
  await admin.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [name]);
  try {
    const { rows } = await admin.query<{ datistemplate: boolean }>(
      'SELECT datistemplate FROM pg_database WHERE datname = $1',
      [name],
    );
    // datistemplate is set last, so a template left half-built by a crashed run is rebuilt.
    if (rows[0]?.datistemplate) return;
    await admin.query(`DROP DATABASE IF EXISTS ${ident} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${ident}`);
    await migrate(urlFor(name));
    await admin.query(`ALTER DATABASE ${ident} WITH IS_TEMPLATE true`);
  } finally {
    await admin.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [name]);
  }
}

/** Drops templates of older migrations, unless a run still copies them (then next time). */
async function dropStaleTemplates(admin: pg.Client, keep: string): Promise<void> {
  const { rows } = await admin.query<{ datname: string }>(
    "SELECT datname FROM pg_database WHERE datname LIKE 'switchyard\\_test\\_template\\_%' AND datname <> $1",
    [keep],
  );
  for (const { datname } of rows) {
    const ident = pg.escapeIdentifier(datname);
    await admin
      .query(`ALTER DATABASE ${ident} WITH IS_TEMPLATE false`)
      .then(() => admin.query(`DROP DATABASE ${ident}`))
      .catch(() => undefined);
  }
}

export default async function setup(project: TestProject): Promise<void> {
  project.provide('testDatabaseAdminUrl', ADMIN_URL);
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  try {
    await admin.connect();
  } catch (err) {
    // Unit tests still run; tests that need a database fail with this reason.
    process.stderr.write(
      `test setup: Postgres unreachable at ${ADMIN_URL} (${(err as Error).message}); database tests will fail\n`,
    );
    project.provide('switchyardTemplateDatabase', undefined);
    return;
  }
  try {
    const name = templateName();
    await buildTemplate(admin, name);
    await dropStaleTemplates(admin, name);
    project.provide('switchyardTemplateDatabase', name);
  } finally {
    await admin.end();
  }
}
