import { TEST_POLICY } from '../../test/policy.js';
import { PassThrough, Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../storage/logger.js';
import { getFlag } from '../../storage/flags.js';
import { grantRole } from '../../storage/role-bindings.js';
import { seedFlag, startTemporalHarness, type TemporalHarness } from '../../test/temporal.js';
import { createCommandHandler } from '../command-handler.js';
import { runConsole } from './repl.js';

const log = createLogger('silent');
let h: TemporalHarness;
const open: Array<{ quit(): Promise<void> }> = [];

beforeAll(async () => {
  h = await startTemporalHarness();
  const deps = { pool: h.db.pool, log, policy: TEST_POLICY };
  await grantRole(deps, { subject: 'U1', role: 'operator', env: 'production', actor: 'test-setup' });
  await grantRole(deps, { subject: 'U2', role: 'operator', env: 'production', actor: 'test-setup' });
  await grantRole(deps, { subject: 'U3', role: 'developer', actor: 'test-setup' });
});
afterAll(async () => {
  // A session left open by a failed test holds a LISTEN connection: end them before dropping the database.
  await Promise.all(open.map((c) => c.quit().catch(() => undefined)));
  await h?.close();
});

/** A console session on piped streams: type lines, wait for text to appear in what it printed. */
function session(user: string) {
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
  const running = runConsole({ user, handler, pool: h.db.pool, input, output, log });
  let mark = 0;
  let ended = false;
  const c = {
    type(line: string) {
      mark = printed.length;
      input.write(`${line}\n`);
    },
    /** Waits until the output since the last typed line matches. */
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

describe('the console', () => {
  it('runs a 4-eyes change: the requester cannot approve it, a second operator can, and it is applied', async () => {
    await seedFlag(h, { key: 'pay-v2' });
    const c = session('U1');
    c.type('/flag on pay-v2 --env production --reason "launch day"');
    await c.see(/awaiting approval/);
    const [, approve] = await c.see(
      /Approval needed[\s\S]*pay-v2 in production: .*off.* → on[\s\S]*\[(\d+)\] Approve\s+\[\d+\] Reject/,
    );

    c.type(`click ${approve}`);
    await c.see(/you requested this change; another eligible person must approve it/);
    expect((await getFlag(h.db.pool, 'pay-v2'))?.document.environments.production?.serve).toBeUndefined();

    c.type('as U2');
    await c.see(/You are now U2/);
    c.type(`click ${approve}`);
    await c.see(/Change \S+: ✔ applied/);
    await c.see(/notification \(change applied\)[\s\S]*approved by @U2/);
    expect((await getFlag(h.db.pool, 'pay-v2'))?.document.environments.production?.serve).toEqual({ serve: 'on' });
    await c.quit();
  });

  it('answers a bad command with the bad part and the usage line', async () => {
    const c = session('U1');
    c.type('/flag on pay-v2 --env prod');
    await c.see(/--env must be one of dev, staging, production[\s\S]*\/flag on\|off <key> --env <env>/);
    await c.quit();
  });

  it('runs a rollout with a one-second bake to 100 %', async () => {
    await seedFlag(h, { key: 'search-v3' });
    const c = session('U3');
    c.type('/flag rollout search-v3 on --env staging --stages 25,50,100 --bake 1s --reason "new ranking"');
    await c.see(/rollout started/);
    await c.see(/25 % \(stage 1\/3\)[\s\S]*\[\d+\] Pause\s+\[\d+\] Promote\s+\[\d+\] Abort/);
    await c.see(/100 % \(stage 3\/3\)/, 30_000);
    await c.see(/search-v3.*staging.* completed/, 30_000);
    const flag = await getFlag(h.db.pool, 'search-v3');
    expect(flag?.document.environments.staging?.serve).toMatchObject({ rollout: { on: 100 } });
    await c.quit();
  });
});
