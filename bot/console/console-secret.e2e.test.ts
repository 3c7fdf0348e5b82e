import { TEST_POLICY } from '../../test/policy.js';
import { randomBytes } from 'node:crypto';
import { PassThrough, Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSettings } from '../../cli/settings.js';
import { parseMasterKey } from '../../core/secrets/envelope.js';
import { startEvaluator, type RunningEvaluator } from '../../evaluator/server.js';
import { getConfig } from '../../storage/configs.js';
import { createLogger } from '../../storage/logger.js';
import { grantRole } from '../../storage/role-bindings.js';
import { createSdkKey } from '../../storage/sdk-keys.js';
import { eventually, startTemporalHarness, type TemporalHarness } from '../../test/temporal.js';
import { createCommandHandler } from '../command-handler.js';
import { runConsole } from './repl.js';

const log = createLogger('silent');
const MASTER_KEY = randomBytes(32).toString('base64');
let h: TemporalHarness;
let evaluator: RunningEvaluator;
let secretsKey: string;
const open: Array<{ quit(): Promise<void> }> = [];

beforeAll(async () => {
  h = await startTemporalHarness();
  const deps = { pool: h.db.pool, log, policy: TEST_POLICY };
  await grantRole(deps, { subject: 'U1', role: 'operator', env: 'production', actor: 'test-setup' });
  await grantRole(deps, { subject: 'U2', role: 'operator', env: 'production', actor: 'test-setup' });
  const parsed = parseSettings({
    REDIS_PREFIX: h.redisPrefix,
    EVALUATOR_PORT: '0',
    EVALUATOR_HOST: '127.0.0.1',
    ENVIRONMENTS: 'dev,staging,production',
    LOG_LEVEL: 'silent',
    SECRETS_MASTER_KEY: MASTER_KEY,
  });
  if (!parsed.ok) throw new Error(parsed.message);
  evaluator = await startEvaluator(parsed.settings, { log });
  await evaluator.loaded;
  secretsKey = (
    await createSdkKey(
      { pool: h.db.pool, redis: h.redis, keys: h.keys, log },
      { env: 'production', scopes: ['secrets'], name: 'payments', actor: 'test-setup' },
    )
  ).key;
});
afterAll(async () => {
  await Promise.all(open.map((c) => c.quit().catch(() => undefined)));
  await evaluator?.close();
  await h?.close();
});

/** A console session on piped streams, as `printf … | switchyard console` gives it. */
function session(user: string, masterKey: Buffer | undefined) {
  const input = new PassThrough();
  let printed = '';
  const output = new Writable({
    write(chunk, _enc, done) {
      printed += String(chunk);
      done();
    },
  });
  const handler = createCommandHandler({
    client: h.client,
    taskQueue: h.taskQueue,
    pool: h.db.pool,
    log,
    environments: ['dev', 'staging', 'production'],
    policy: TEST_POLICY,
  });
  const running = runConsole({
    user,
    handler,
    pool: h.db.pool,
    input,
    output,
    log,
    ...(masterKey ? { masterKey } : {}),
  });
  let mark = 0;
  let ended = false;
  const c = {
    get printed() {
      return printed;
    },
    type(line: string) {
      mark = printed.length;
      input.write(`${line}\n`);
    },
    async see(pattern: RegExp, timeoutMs = 20_000): Promise<RegExpMatchArray> {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const match = printed.slice(mark).match(pattern);
        if (match) return match;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`console never printed ${pattern}; it printed:\n${printed.slice(mark)}`);
    },
    async quit() {
      if (!ended) input.end('quit\n');
      ended = true;
      await running;
    },
  };
  open.push(c);
  return c;
}

const readSecret = (key: string) =>
  fetch(`${evaluator.url}/v1/secrets/${key}`, { headers: { authorization: `Bearer ${secretsKey}` } });

describe('a secret set from the console', () => {
  it('asks for the value on the next line, never prints it, and a secrets-scoped key reads it once a second operator approves', async () => {
    const value = `sk-live-${randomBytes(12).toString('hex')}`;
    const alice = session('U1', parseMasterKey(MASTER_KEY));
    alice.type('/config secret set payments.api-key --env production');
    await alice.see(/Value of payments\.api-key in production, on one line \(not shown/);
    alice.type(value);
    await alice.see(/Why does it change\?/);
    alice.type('rotating the vendor key');
    const [, requestId] = await alice.see(/Change (\S+): .*awaiting approval/);
    await alice.see(
      /Approval needed[\s\S]*secret payments\.api-key \(env production\): set \(value sealed, not shown\)/,
    );

    const bob = session('U2', undefined);
    bob.type(`/change approve ${requestId}`);
    await bob.see(/applied/);

    const stored = await getConfig(h.db.pool, 'payments.api-key');
    expect(stored?.document.secret).toBe(true);
    expect(JSON.stringify(stored?.document)).not.toContain(value);
    const served = await eventually(
      async () => {
        const response = await readSecret('payments.api-key');
        return response.status === 200 ? ((await response.json()) as { value: string }) : undefined;
      },
      10_000,
      'the evaluator serving payments.api-key',
    );
    expect(served).toEqual({ key: 'payments.api-key', value });

    await alice.see(/change applied/);
    await alice.quit();
    await bob.quit();
    // Not in the replies, the approval notification, the applied notification or anything else it printed.
    expect(alice.printed).not.toContain(value);
    expect(bob.printed).not.toContain(value);
  });

  it('cancels on an empty value, and the line after it is a command again', async () => {
    const c = session('U1', parseMasterKey(MASTER_KEY));
    c.type('/config secret set payments.webhook --env production');
    await c.see(/not shown/);
    c.type('');
    await c.see(/Secret cancelled: no value was typed/);
    c.type('/flag help');
    await c.see(/Usage/);
    await c.quit();
  });

  it('says in one line that secrets need SECRETS_MASTER_KEY, and asks for nothing', async () => {
    const c = session('U1', undefined);
    c.type('/config secret set payments.api-key --env production');
    await c.see(/secrets are not enabled here: SECRETS_MASTER_KEY is not set/);
    c.type('/flag help');
    await c.see(/Usage/);
    await c.quit();
  });
});
