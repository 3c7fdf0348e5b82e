import { TEST_POLICY } from '../test/policy.js';
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCommandHandler } from '../bot/command-handler.js';
import { openSecret, parseMasterKey } from '../core/secrets/envelope.js';
import { getConfig } from '../storage/configs.js';
import { createLogger } from '../storage/logger.js';
import { grantRole } from '../storage/role-bindings.js';
import { startTemporalHarness, type TemporalHarness } from '../test/temporal.js';

/** `switchyard secret set` as an operator runs it, value on standard input, against the harness's services. */
const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
const MASTER_KEY = randomBytes(32).toString('base64');
const log = createLogger('silent');
let h: TemporalHarness;

type Run = { code: number; stdout: string; stderr: string };
function switchyard(stdin: string, env: NodeJS.ProcessEnv, ...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += String(d)));
    child.stderr.on('data', (d) => (stderr += String(d)));
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

beforeAll(async () => {
  h = await startTemporalHarness();
  await grantRole(
    { pool: h.db.pool, log, policy: TEST_POLICY },
    { subject: 'cli:alice', role: 'operator', env: 'production', actor: 'test-setup' },
  );
  await grantRole(
    { pool: h.db.pool, log, policy: TEST_POLICY },
    { subject: 'U_BOB', role: 'operator', env: 'production', actor: 'test-setup' },
  );
});
afterAll(async () => {
  await h?.close();
});

/** The harness's services, without an operator name or master key of the machine's: the actor is cli:alice, the key only what a test gives. */
function envWith(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { SWITCHYARD_OPERATOR: _operator, SECRETS_MASTER_KEY: _key, ...env } = h.workerEnv();
  return { ...env, USER: 'alice', LOG_LEVEL: 'silent', ...extra };
}

describe('switchyard secret set', () => {
  it('reads the value from standard input without its trailing newline, seals it, and requests the change as the CLI actor', async () => {
    const value = `whsec_${randomBytes(10).toString('hex')}`;
    const run = await switchyard(
      `${value}\n`,
      envWith({ SECRETS_MASTER_KEY: MASTER_KEY }),
      'secret',
      'set',
      'payments.webhook',
      '--env',
      'production',
      '--reason',
      'new webhook endpoint',
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/awaiting approval/);
    expect(run.stdout + run.stderr).not.toContain(value);
    const requestId = /Change (\S+):/.exec(run.stdout)?.[1];
    expect(requestId).toBeDefined();

    const handler = createCommandHandler({
      client: h.client,
      taskQueue: h.taskQueue,
      pool: h.db.pool,
      log,
      environments: ['dev', 'staging', 'production'],
      policy: TEST_POLICY,
    });
    const approved = await handler.handleCommand({
      transport: 'console',
      user: 'U_BOB',
      command: '/change',
      text: `approve ${requestId}`,
      requestId: randomUUID(),
      replyTo: { transport: 'console', user: 'U_BOB' },
    });
    expect(approved.text).toMatch(/applied/);

    const stored = await getConfig(h.db.pool, 'payments.webhook');
    const scope = stored?.document.scopes.find((s) => s.env === 'production');
    expect(JSON.stringify(stored?.document)).not.toContain(value);
    expect(openSecret(parseMasterKey(MASTER_KEY), scope?.value, { key: 'payments.webhook', env: 'production' })).toBe(
      value,
    );
    expect(stored?.createdBy).toBe('cli:alice');
  });

  it('refuses in one line without SECRETS_MASTER_KEY, an empty input, and an actor without a role (saying how to grant one)', async () => {
    const [noKey, empty, noRole] = await Promise.all([
      switchyard('value\n', envWith({}), 'secret', 'set', 'payments.webhook', '--env', 'production', '--reason', 'x'),
      switchyard(
        '\n',
        envWith({ SECRETS_MASTER_KEY: MASTER_KEY }),
        'secret',
        'set',
        'payments.webhook',
        '--env',
        'production',
        '--reason',
        'x',
      ),
      switchyard(
        'value\n',
        envWith({ SECRETS_MASTER_KEY: MASTER_KEY }),
        'secret',
        'set',
        'payments.webhook',
        '--env',
        'production',
        '--reason',
        'x',
        '--as',
        'mallory',
      ),
    ]);
    expect(noRole.code).toBe(1);
    expect(noRole.stderr).toMatch(/cli:mallory has no Switchyard role/);
    expect(noRole.stderr).toContain('switchyard role grant cli:mallory operator --env production');
    expect([noKey.code, noKey.stderr.trim().split('\n')]).toEqual([
      1,
      [expect.stringMatching(/^error: secrets are not enabled here: SECRETS_MASTER_KEY is not set/)],
    ]);
    expect([empty.code, empty.stderr.trim()]).toEqual([
      1,
      'error: standard input was empty: pipe the secret value in, e.g. < value.txt',
    ]);
  });
});
