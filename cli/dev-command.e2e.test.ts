import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { clearRedisPrefix } from '../test/db.js';
import { findTemporalCli, freePort } from './temporal-dev-server.js';

/**
 * `switchyard dev` as a newcomer meets it: a fresh clone's defaults, USER and PGUSER unset (as in
 * most containers), a database that does not exist yet, and the README's 4-eyes walkthrough
 * piped into its console.
 */
const root = fileURLToPath(new URL('..', import.meta.url));
const tsx = join(root, 'node_modules', '.bin', 'tsx');
const main = join(root, 'cli', 'main.ts');
const adminUrl = inject('testDatabaseAdminUrl');
const database = `switchyard_test_dev_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
const redisPrefix = `devtest:${randomUUID().slice(0, 8)}`;
const home = mkdtempSync(join(tmpdir(), 'switchyard-dev-test-'));

/** The admin URL's host and port, without its user: the user must come from the OS account. */
function urlWithoutUser(name: string): string {
  const url = new URL(adminUrl);
  url.username = '';
  url.password = '';
  url.pathname = `/${name}`;
  return url.toString();
}

function newcomerEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home,
    XDG_CACHE_HOME: join(home, 'cache'),
    NODE_ENV: 'development',
    ...extra,
  };
  delete env.USER;
  delete env.PGUSER;
  return env;
}

function run(
  args: string[],
  env: NodeJS.ProcessEnv,
  input: string,
  timeoutMs: number,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(tsx, [main, ...args], { cwd: home, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `switchyard ${args.join(' ')} did not finish within ${timeoutMs / 1000} s\nstdout:\n${stdout}\nstderr:\n${stderr}`,
        ),
      );
    }, timeoutMs);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(input);
  });
}

/** What must never reach a newcomer's terminal: a JSON log line, a stack frame, Temporal's failure warning. */
function expectNoLogsOrStacks(terminal: string): void {
  const lines = terminal.split('\n');
  expect(
    lines.filter((l) => /^\s*\{".*":/.test(l)),
    'JSON log lines on the terminal',
  ).toEqual([]);
  expect(
    lines.filter((l) => /^\s+at\s.+:\d+:\d+\)?$/.test(l)),
    'stack frames on the terminal',
  ).toEqual([]);
  expect(terminal).not.toMatch(/Activity failed|\[WARN\]|\[ERROR\]/);
}

afterAll(async () => {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(database)} WITH (FORCE)`).finally(() => admin.end());
  const redis = new Redis('redis://127.0.0.1:6379');
  await clearRedisPrefix(redis, redisPrefix).finally(() => redis.disconnect());
  rmSync(home, { recursive: true, force: true });
});

describe('a newcomer’s first minute', () => {
  it('runs the README’s 4-eyes walkthrough in `switchyard dev` on a fresh database with USER unset, showing only the console', async () => {
    const walkthrough = [
      // A typo first: refused by the worker's activity, an everyday user error.
      '/flag on checkout-v3 --env staging --reason "typo"',
      '/flag create checkout-v2 --kind release --owner web --description "New checkout" --expiry 2027-01-31',
      '/flag on checkout-v2 --env production --reason "launch"',
      'wait 10',
      'click 1',
      'as U_BOB',
      'click 1',
      'wait 5',
      '/flag show checkout-v2',
      // Alice is on call in production: she breaks glass, and Bob, an operator there, reviews it.
      'as U_ALICE',
      '/flag break-glass checkout-v2 off --env production --reason "INC-1 checkout errors"',
      'wait 5',
      'as U_BOB',
      '/incident review INC-1 --notes "the right call"',
      'quit',
    ];
    const env = newcomerEnv({
      DATABASE_URL: urlWithoutUser(database),
      REDIS_PREFIX: redisPrefix,
      EVALUATOR_PORT: '0',
      WEB_PORT: '0',
      TEMPORAL_CLI_PATH: await findTemporalCli(),
    });
    const { code, stdout, stderr } = await run(['dev'], env, `${walkthrough.join('\n')}\n`, 100_000);
    const context = `stdout:\n${stdout}\nstderr:\n${stderr}`;
    expect(code, context).toBe(0);

    // The banner: seeded roles and where the logs went.
    expect(stdout, context).toMatch(
      /roles\s+U_ALICE developer, operator in production, oncall in production; U_BOB operator in production \(seeded/,
    );
    const logPath = /logs\s+(\S+)/.exec(stdout)?.[1];
    expect(logPath, context).toBe(join(home, 'cache', 'switchyard', 'dev.log'));
    expect(stdout).toContain('Switchyard console as U_ALICE');

    // Alice's request waits, her own click is refused, Bob's applies it.
    const [, afterBob] = stdout.split('(U_BOB clicks Approve)');
    expect(stdout).toMatch(/Refused \(validation\): there is no flag \W?checkout-v3/);
    expect(stdout).toMatch(/Change \S+: ✔ applied[\s\S]*new release flag checkout-v2/);
    expect(stdout).toMatch(/awaiting approval/);
    expect(stdout).toMatch(
      /\(U_ALICE clicks Approve\)\n⚠ you requested this change; another eligible person must approve it/,
    );
    expect(afterBob, context).toMatch(/^\nChange \S+: ✔ applied/);
    expect(afterBob).toMatch(/approved by @U_BOB/);
    expect(afterBob).toMatch(/^production: on$/m);
    expect(afterBob, context).toMatch(/Classification: emergency/);
    expect(afterBob, context).toMatch(/reviewed by U_BOB \(incident INC-1\)/);

    expectNoLogsOrStacks(`${stdout}\n${stderr}`);
    // The log lines exist, in the file.
    expect(existsSync(logPath!)).toBe(true);
    const logged = readFileSync(logPath!, 'utf8');
    expect(logged).toMatch(/"msg":"worker running"/);
    expect(logged).toMatch(/"msg":"audit: switchyard dev role.grant U_BOB"/);
    // Not even there is the typo an activity failure.
    expect(logged).not.toMatch(/Activity failed/);
  }, 110_000);

  it('says in one line that Postgres is unreachable when the console starts without it', async () => {
    const closed = await freePort();
    const env = newcomerEnv({
      DATABASE_URL: `postgres://127.0.0.1:${closed}/switchyard`,
      TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}`,
    });
    const { code, stdout, stderr } = await run(['console', '--as', 'U_ALICE'], env, 'quit\n', 30_000);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    // One line, naming the URL with the user filled in from the OS account (USER is unset).
    expect(stderr.trim().split('\n')).toEqual([
      `error: cannot reach Postgres at DATABASE_URL=postgres://${userInfo().username}@127.0.0.1:${closed}/switchyard (ECONNREFUSED): start it (from a clone: \`bash scripts/services.sh\`) or point DATABASE_URL at a running server`,
    ]);
  }, 40_000);
});
