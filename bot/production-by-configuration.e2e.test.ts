import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { policyOf } from '../core/policy.js';
import { getFlag } from '../storage/flags.js';
import { createLogger } from '../storage/logger.js';
import { grantRole } from '../storage/role-bindings.js';
import { seedFlag, startTemporalHarness, type TemporalHarness } from '../test/temporal.js';
import { createCommandHandler, type CommandHandler } from './command-handler.js';

// A deployment that calls production `prod` (ENVIRONMENTS=dev,staging,prod): every rule that used
// to hold only for an environment named `production` holds here too (docs/design.md#policy).
const ENVIRONMENTS = ['dev', 'staging', 'prod'];
const policy = policyOf({ ENVIRONMENTS });
const log = createLogger('silent');
let h: TemporalHarness;
let handler: CommandHandler;

beforeAll(async () => {
  h = await startTemporalHarness({ environments: ENVIRONMENTS });
  const deps = { pool: h.db.pool, log, policy };
  await grantRole(deps, { subject: 'U_DEV', role: 'developer', actor: 'test-setup' });
  await grantRole(deps, { subject: 'U_OPS', role: 'operator', env: 'prod', actor: 'test-setup' });
  await grantRole(deps, { subject: 'U_ACME', role: 'admin', tenant: 'acme', actor: 'test-setup' });
  await grantRole(deps, { subject: 'U_LEAD', role: 'operator', actor: 'test-setup' });
  handler = createCommandHandler({
    client: h.client,
    taskQueue: h.taskQueue,
    pool: h.db.pool,
    log,
    environments: ENVIRONMENTS,
    policy,
  });
});
afterAll(async () => {
  await h?.close();
});

const command = (user: string, slash: '/flag' | '/change', text: string, requestId = randomUUID()) =>
  handler.handleCommand({
    transport: 'console',
    user,
    command: slash,
    text,
    requestId,
    replyTo: { transport: 'console', user },
  });

describe('production is what the configuration says', () => {
  it("a developer's change in prod is not applied at once", async () => {
    await seedFlag(h, { key: 'cfg-dev-on' });
    const reply = await command('U_DEV', '/flag', 'on cfg-dev-on --env prod --reason "ship it"');
    expect(reply.text).not.toMatch(/applied/);
    expect(reply.text).toMatch(/awaiting approval|refused/);
    expect((await getFlag(h.db.pool, 'cfg-dev-on'))?.document.environments.prod?.serve).toBeUndefined();
    // Below production it still is.
    expect((await command('U_DEV', '/flag', 'on cfg-dev-on --env staging')).text).toMatch(/applied/);
  });

  it('an ops flag in prod needs a second person, even for its operator', async () => {
    await seedFlag(h, { key: 'cfg-breaker', kind: 'ops' });
    const reply = await command('U_OPS', '/flag', 'off cfg-breaker --env prod --reason "shed load"');
    expect(reply.text).toMatch(/awaiting approval/);
    expect(JSON.stringify(reply.blocks)).toMatch(/ops flag \(circuit breaker\) in prod/);
  });

  it('a developer cannot be granted prod', async () => {
    const reply = await command('U_OPS', '/change', 'role grant <@U0NEW> developer --env prod --reason "help out"');
    expect(reply.text).toMatch(/developer works below production, not in prod/);
  });

  it('a new permission flag born on is a change of every environment, prod included, so it waits', async () => {
    const requestId = randomUUID();
    const reply = await command(
      'U_DEV',
      '/flag',
      'create new-pay --kind permission --owner billing --description "Pay later" --default on --reason "new plan"',
      requestId,
    );
    expect(reply.text).toMatch(/awaiting approval/);
    expect(JSON.stringify(reply.blocks)).toMatch(/in prod/);
    expect(await getFlag(h.db.pool, 'new-pay')).toBeUndefined();
    // Approved by an operator of every environment it reaches, its audit row names each of them.
    expect((await command('U_LEAD', '/change', `approve ${requestId}`)).text).toMatch(/applied/);
    const { rows } = await h.db.pool.query<{ detail: { touched?: { environments: string[] } } }>(
      "SELECT detail FROM audit_log WHERE action = 'flag.create' AND entity_key = 'new-pay'",
    );
    expect(rows[0]?.detail.touched?.environments).toEqual(ENVIRONMENTS);
    // Born off, it serves nothing new anywhere: a developer creates it at once.
    const off = await command(
      'U_DEV',
      '/flag',
      'create new-pay-off --kind permission --owner billing --description "Pay later"',
    );
    expect(off.text).toMatch(/applied/);
  });

  it('a tenant admin cannot grant its own tenant a permission flag (an entitlement)', async () => {
    await seedFlag(h, { key: 'cfg-sso', kind: 'permission' });
    const reply = await command('U_ACME', '/flag', 'on cfg-sso --env prod --tenant acme');
    expect(reply.text).toMatch(/refused/);
    expect(reply.text).toMatch(/cfg-sso is a permission flag/);
    expect((await getFlag(h.db.pool, 'cfg-sso'))?.document.environments.prod?.tenantOverrides ?? {}).toEqual({});
  });
});
