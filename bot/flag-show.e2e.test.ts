import { TEST_POLICY } from '../test/policy.js';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getFlag } from '../storage/flags.js';
import { createLogger } from '../storage/logger.js';
import { grantRole } from '../storage/role-bindings.js';
import { eventually, seedFlag, startTemporalHarness, type TemporalHarness } from '../test/temporal.js';
import { blocksToText } from './console/blocks-to-text.js';
import { createCommandHandler, type CommandHandler } from './command-handler.js';

const log = createLogger('silent');
let h: TemporalHarness;
let handler: CommandHandler;

beforeAll(async () => {
  h = await startTemporalHarness();
  const deps = { pool: h.db.pool, log, policy: TEST_POLICY };
  await grantRole(deps, { subject: 'U_DEV', role: 'developer', actor: 'test-setup' });
  await grantRole(deps, { subject: 'U_DEV2', role: 'developer', actor: 'test-setup' });
  handler = createCommandHandler({
    client: h.client,
    taskQueue: h.taskQueue,
    pool: h.db.pool,
    log,
    environments: ['dev', 'staging', 'production'],
    policy: TEST_POLICY,
  });
});
afterAll(async () => {
  await h?.close();
});

/** A command typed at the console by `user`, answered as the console prints it. */
async function type(user: string, slash: '/flag' | '/config', text: string): Promise<{ ok: boolean; shown: string }> {
  const reply = await handler.handleCommand({
    transport: 'console',
    user,
    command: slash,
    text,
    requestId: randomUUID(),
    replyTo: { transport: 'console', user },
  });
  return { ok: reply.ok, shown: blocksToText(reply) };
}

describe('/flag show, from the console', () => {
  it('shows a tenant kill, a user override with expiry, a rule, a rollout and the guardrail, and credits an abort to the person', async () => {
    await seedFlag(h, {
      key: 'show-all',
      guardrails: { auto_disable: { metric: 'checkout_error_rate', threshold: 0.05, window: '5m' } },
    });
    for (const line of [
      'kill show-all --env staging --tenant globex --reason "bad data at globex"',
      'override show-all on --user user-9 --env staging --ttl 2h --reason "support case"',
      'rule add show-all --env staging --if "user.email endsWith @x.io" --serve on',
    ]) {
      const reply = await type('U_DEV', '/flag', line);
      expect(reply.shown, line).toMatch(/applied/);
    }
    const started = await type(
      'U_DEV',
      '/flag',
      'rollout show-all on --env staging --stages 10,100 --bake 1h --reason "try it"',
    );
    expect(started.shown).toMatch(/rollout started/);
    await eventually(async () =>
      (await getFlag(h.db.pool, 'show-all'))?.action === 'flag.rollout.stage' ? true : undefined,
    );

    const shown = (await type('U_DEV2', '/flag', 'show show-all --env staging')).shown;
    expect(shown).toContain('Guardrail: auto-disable when checkout_error_rate is above 0.05 over 5m');
    const staging = shown.slice(shown.indexOf('staging: '));
    expect(staging).toContain('• killed for tenant(s) globex');
    expect(staging).toMatch(/• user user-9 → on until \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
    expect(staging).toContain('• rule r1 (priority 1): if user.email endsWith @x.io → on');
    expect(staging).toMatch(/^staging: rollout on 10 % \/ off 90 %$/m);
    expect(shown).toContain('last flag.rollout.stage by @U_DEV (applied by system)');

    // Someone other than the requester aborts: the rollback is written by system, for them.
    expect((await type('U_DEV2', '/flag', 'rollout abort show-all --env staging')).ok).toBe(true);
    await eventually(async () =>
      (await getFlag(h.db.pool, 'show-all'))?.action === 'flag.rollout.abort' ? true : undefined,
    );
    const after = (await type('U_DEV', '/flag', 'show show-all --env staging')).shown;
    expect(after).toContain('last flag.rollout.abort by @U_DEV2 (applied by system)');
    expect(after).not.toMatch(/flag\.rollout\.abort by system/);
    expect(after).toMatch(/^staging: rollout off 100 %$/m);
  });

  it('refuses /flag show to someone with no role, naming the missing scope, and shows a developer only the environments below production', async () => {
    await seedFlag(h, { key: 'show-scoped', environments: { production: { serve: { serve: 'on' } } } });
    const nobody = await type('U_NOBODY', '/flag', 'show show-scoped --env production');
    expect(nobody.ok).toBe(false);
    // The console prints code spans without their backticks.
    expect(nobody.shown).toMatch(
      /U_NOBODY has no Switchyard role that covers production: ask an operator for `?viewer --env production`?$/m,
    );
    const anywhere = await type('U_NOBODY', '/flag', 'show show-scoped');
    expect(anywhere.ok).toBe(false);
    expect(anywhere.shown).toMatch(/U_NOBODY has no Switchyard role that covers any environment/);
    expect((await type('U_NOBODY', '/flag', 'list')).ok).toBe(false);

    const dev = await type('U_DEV', '/flag', 'show show-scoped');
    expect(dev.ok).toBe(true);
    expect(dev.shown).toMatch(/^staging: /m);
    expect(dev.shown).not.toMatch(/^production: /m);
    const production = await type('U_DEV', '/flag', 'show show-scoped --env production');
    expect(production.ok).toBe(false);
    expect(production.shown).toMatch(
      /\(U_DEV holds developer \(below production\)\): ask an operator for `?viewer --env production`?$/m,
    );
  });

  it('/flag list --stale says why each flag is stale, with its owner', async () => {
    const day = 86_400_000;
    const date = (offset: number) => new Date(Date.now() + offset).toISOString().slice(0, 10);
    await seedFlag(h, { key: 'stale-expired', owner: 'growth', expiry: date(-3 * day) });
    await seedFlag(h, { key: 'stale-old', owner: 'search', createdAt: new Date(Date.now() - 120 * day).toISOString() });
    await seedFlag(h, { key: 'fresh-one', owner: 'web' });
    const listed = (await type('U_DEV', '/flag', 'list --stale')).shown;
    expect(listed).toContain(`stale-expired release, owner growth: stale: past its expiry on ${date(-3 * day)}`);
    expect(listed).toContain(
      `stale-old release, owner search: stale: older than 90 days (created ${date(-120 * day)})`,
    );
    expect(listed).not.toContain('fresh-one');
  });
});
