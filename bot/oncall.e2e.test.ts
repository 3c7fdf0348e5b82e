import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SlashCommand } from '../core/command/usage.js';
import { getFlag } from '../storage/flags.js';
import { createLogger } from '../storage/logger.js';
import { listRoleBindings } from '../storage/role-bindings.js';
import { TEST_POLICY } from '../test/policy.js';
import { eventually, grantRole, seedFlag, startTemporalHarness, type TemporalHarness } from '../test/temporal.js';
import { blocksToText } from './console/blocks-to-text.js';
import { createCommandHandler, type CommandHandler } from './command-handler.js';

/** `/oncall` typed at the console: who is on call, changing it with a second operator, and who may break glass. */
const log = createLogger('silent');
let h: TemporalHarness;
let handler: CommandHandler;
const inADay = new Date(Date.now() + 86_400_000).toISOString();

beforeAll(async () => {
  h = await startTemporalHarness();
  await grantRole(h, 'U_OPS1', 'operator', { env: 'production' });
  await grantRole(h, 'U_OPS2', 'operator', { env: 'production' });
  await grantRole(h, 'U_ALICE', 'operator', { env: 'production' });
  await grantRole(h, 'U_ALICE', 'oncall', { env: 'production', until: inADay });
  await grantRole(h, 'U_GONE', 'operator', { env: 'production' });
  await grantRole(h, 'U_GONE', 'oncall', { env: 'production', until: new Date(Date.now() - 60_000).toISOString() });
  await grantRole(h, 'U_VIEW', 'viewer');
  await grantRole(h, 'U_STAGE', 'viewer', { env: 'staging' });
  // Not an object literal: the handler's deps gain the policy in the same release (reads are judged on it).
  const deps = {
    client: h.client,
    taskQueue: h.taskQueue,
    pool: h.db.pool,
    log,
    environments: ['dev', 'staging', 'production'],
    policy: TEST_POLICY,
  };
  handler = createCommandHandler(deps);
});
afterAll(async () => {
  await h?.close();
});

async function type(user: string, slash: SlashCommand, text: string, requestId = randomUUID()) {
  const reply = await handler.handleCommand({
    transport: 'console',
    user,
    command: slash,
    text,
    requestId,
    replyTo: { transport: 'console', user },
  });
  return { ok: reply.ok, shown: blocksToText(reply) };
}

describe('/oncall', () => {
  it('lists who is on call in each environment with their end, leaving out an ended shift', async () => {
    const list = await type('U_VIEW', '/oncall', 'list');
    expect(list.ok).toBe(true);
    expect(list.shown).toContain(`production: @U_ALICE (until ${inADay.slice(0, 19).replace('T', ' ')} UTC)`);
    expect(list.shown).toContain('staging: nobody (break-glass is refused here)');
    expect(list.shown).not.toContain('U_GONE');
  });

  it('shows a reader only the environments it reads, and someone without a role nothing', async () => {
    const staging = await type('U_STAGE', '/oncall', 'list');
    expect(staging.shown).toContain('staging: nobody');
    expect(staging.shown).not.toMatch(/production|U_ALICE/);
    const nobody = await type('U_NOBODY', '/oncall', 'list');
    expect(nobody.ok).toBe(false);
    expect(nobody.shown).toMatch(/U_NOBODY has no Switchyard role that covers/);
  });

  it('adds someone through a change request a second operator approves, saying why it waits', async () => {
    const requestId = randomUUID();
    const asked = await type('U_OPS1', '/oncall', 'add U_CAROL --env production', requestId);
    expect(asked.shown).toMatch(/awaiting approval/);
    expect(asked.shown).toContain('role changes always need a second person (grants oncall)');
    expect(await listRoleBindings(h.db.pool, 'U_CAROL')).toEqual([]);
    expect((await type('U_OPS1', '/change', `approve ${requestId}`)).ok).toBe(false);
    expect((await type('U_OPS2', '/change', `approve ${requestId}`)).shown).toMatch(/applied/);
    expect(await listRoleBindings(h.db.pool, 'U_CAROL')).toMatchObject([
      {
        role: 'oncall',
        env: 'production',
        grantedBy: 'U_OPS1',
        reason: 'on-call rotation: U_CAROL on call in production',
      },
    ]);
    expect((await type('U_VIEW', '/oncall', 'list')).shown).toMatch(/production: .*@U_CAROL \(until removed\)/);
  });

  it('names the end in the approval, and refuses an end that has passed before anyone is asked', async () => {
    const asked = await type('U_OPS1', '/oncall', `add U_DAVE --env production --until ${inADay}`);
    expect(asked.shown).toContain(`grant oncall (env production, until ${inADay}) to U_DAVE`);
    const past = await type('U_OPS1', '/oncall', 'add U_DAVE --env production --until 2020-01-01T00:00Z');
    expect(past.shown).toMatch(/--until 2020-01-01T00:00:00.000Z is not in the future/);
  });

  it('lets only someone on call there break glass, and an ended shift no longer counts', async () => {
    await seedFlag(h, { key: 'oc-payments', kind: 'ops', expiry: undefined, default: 'on' });
    const bySomeoneElse = await type(
      'U_OPS2',
      '/flag',
      'break-glass oc-payments off --env production --reason "INC-9"',
    );
    expect(bySomeoneElse.shown).toContain(
      'U_OPS2 may not flag.break-glass oc-payments in production: as operator: break-glass needs someone on call in production (see /oncall list)',
    );
    const ended = await type('U_GONE', '/flag', 'break-glass oc-payments off --env production --reason "INC-9"');
    expect(ended.shown).toMatch(/U_GONE may not flag\.break-glass .*see \/oncall list/);
    expect((await getFlag(h.db.pool, 'oc-payments'))?.version).toBe(1);

    const onCall = await type('U_ALICE', '/flag', 'break-glass oc-payments off --env production --reason "INC-9"');
    expect(onCall.shown).toMatch(/applied/);
    await eventually(async () => ((await getFlag(h.db.pool, 'oc-payments'))!.version === 2 ? true : undefined));
  });

  it('removes someone through a change request too', async () => {
    const requestId = randomUUID();
    expect((await type('U_OPS1', '/oncall', 'remove U_ALICE --env production', requestId)).shown).toMatch(
      /awaiting approval/,
    );
    expect((await type('U_OPS2', '/change', `approve ${requestId}`)).shown).toMatch(/applied/);
    expect((await listRoleBindings(h.db.pool, 'U_ALICE')).map((b) => b.role)).toEqual(['operator']);
    expect((await type('U_VIEW', '/oncall', 'list')).shown).not.toContain('U_ALICE');
  });
});
