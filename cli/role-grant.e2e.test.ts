import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listRoleBindings } from '../storage/role-bindings.js';
import { createTestDatabase, testRedisPrefix, type TestDatabase } from '../test/db.js';

/** `switchyard role grant` as an operator types it, against a database of the test's own. */
const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
let db: TestDatabase;

function switchyard(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', MAIN, ...args],
      {
        env: { ...process.env, DATABASE_URL: db.url, REDIS_PREFIX: testRedisPrefix('cli-role'), LOG_LEVEL: 'silent' },
        timeout: 30_000,
      },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

describe('switchyard role grant', () => {
  it('refuses an admin without a tenant, naming --tenant, and grants nothing', async () => {
    const run = await switchyard('role', 'grant', 'U_NEW', 'admin');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'error: cannot grant admin without a scope: admin is scoped to a tenant: give --tenant <id>',
    );
    expect(await listRoleBindings(db.pool, 'U_NEW')).toEqual([]);
  });

  it('refuses a developer in production, naming the lower environments', async () => {
    const run = await switchyard('role', 'grant', 'U_NEW', 'developer', '--env', 'production');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/developer works below production, not in production: give --env dev or staging/);
    expect(await listRoleBindings(db.pool, 'U_NEW')).toEqual([]);
  });

  it('grants an admin of a tenant, saying what it covers', async () => {
    const run = await switchyard('role', 'grant', 'U_NEW', 'admin', '--tenant', 'acme');
    expect(run).toMatchObject({ code: 0, stdout: expect.stringContaining('granted: U_NEW is admin (tenant acme)') });
    expect(await listRoleBindings(db.pool, 'U_NEW')).toMatchObject([{ role: 'admin', tenant: 'acme', env: null }]);
  });

  it('grants on call until a time, lists it with its end, and refuses an end that has passed', async () => {
    const until = new Date(Date.now() + 8 * 3_600_000).toISOString();
    const run = await switchyard('role', 'grant', 'U_SHIFT', 'oncall', '--env', 'production', '--until', until);
    expect(run).toMatchObject({
      code: 0,
      stdout: expect.stringContaining(`granted: U_SHIFT is oncall (env production, until ${until})`),
    });
    expect((await switchyard('role', 'list', 'U_SHIFT')).stdout).toContain(`oncall env=production until=${until}`);
    const past = await switchyard(
      'role',
      'grant',
      'U_LATE',
      'oncall',
      '--env',
      'production',
      '--until',
      '2020-01-01T00:00Z',
    );
    expect(past.code).toBe(1);
    expect(past.stderr).toMatch(/--until 2020-01-01T00:00:00.000Z is not in the future/);
    expect(await listRoleBindings(db.pool, 'U_LATE')).toEqual([]);
  });
});
