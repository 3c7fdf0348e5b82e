import { TEST_POLICY } from '../test/policy.js';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileFlag } from '../core/engine/compile-flag.js';
import { rolloutStateQuery, workflowIds } from '../workflows/contracts.js';
import { auditTrail } from '../storage/audit.js';
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
  await grantRole(deps, { subject: 'U_OPS1', role: 'operator', env: 'production', actor: 'test-setup' });
  await grantRole(deps, { subject: 'U_OPS2', role: 'operator', env: 'production', actor: 'test-setup' });
  await grantRole(deps, { subject: 'U_DEV', role: 'developer', actor: 'test-setup' });
  // Tenants and cohorts are read where their settings count, production: U_DEV lists them as a viewer there.
  await grantRole(deps, { subject: 'U_DEV', role: 'viewer', env: 'production', actor: 'test-setup' });
  await grantRole(deps, { subject: 'U_ACME', role: 'admin', tenant: 'acme', actor: 'test-setup' });
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

type Slash = '/flag' | '/tenant' | '/cohort' | '/change';

/** A command typed at the console by `user`, answered as the console prints it. */
async function type(
  user: string,
  slash: Slash,
  text: string,
  requestId = randomUUID(),
): Promise<{ ok: boolean; shown: string }> {
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

/** An operator's tenancy change: held for a second operator, who approves it. */
async function approved(slash: '/tenant' | '/cohort', text: string): Promise<void> {
  const requestId = randomUUID();
  const asked = await type('U_OPS1', slash, `${text} --reason "setup"`, requestId);
  expect(asked.shown, text).toMatch(/awaiting approval/);
  const approval = await type('U_OPS2', '/change', `approve ${requestId}`);
  expect(approval.shown, text).toMatch(/applied/);
}

/** The variation each tenant of `tenants` gets in `env`, from the stored flag through the engine. */
async function servedTo(key: string, env: string, tenants: string[]): Promise<Record<string, string | undefined>> {
  const flag = (await getFlag(h.db.pool, key))!.document;
  const evaluate = compileFlag(flag, env);
  return Object.fromEntries(
    tenants.map((id) => {
      const result = evaluate({ targetingKey: `user-of-${id}`, tenant: { id } });
      return [id, result.ok ? result.variant : result.errorCode];
    }),
  );
}

describe('tenants and cohorts, from the console', () => {
  it("adds tenants through 4-eyes, lists them, and lets a tenant's admin rename their own tenant at once", async () => {
    await approved('/tenant', 'add acme --tier enterprise --name "Acme Corp"');
    await approved('/tenant', 'add globex');
    const listed = await type('U_DEV', '/tenant', 'list');
    expect(listed.shown).toMatch(/acme \(Acme Corp\) — tier enterprise; cohorts: none/);
    expect(listed.shown).toMatch(/globex — tier standard/);

    const renamed = await type('U_ACME', '/tenant', 'set acme --name "Acme Inc"');
    expect(renamed.shown).toMatch(/applied/);
    expect(renamed.shown).toMatch(/tenant acme: name "Acme Corp" → "Acme Inc"/);
    const [row] = await auditTrail(h.db.pool, { entityKind: 'tenant', entityKey: 'acme', limit: 1 });
    expect(row).toMatchObject({
      actor: 'U_ACME',
      action: 'tenant.set',
      tenant: 'acme',
      diff: { 'tenant acme.name': { old: 'Acme Corp', new: 'Acme Inc' } },
    });
  });

  it("refuses a tenant's admin outside their tenant, an unknown tenant, an unknown cohort and a duplicate id, each saying what to type", async () => {
    const outside = await type('U_ACME', '/tenant', 'set globex --tier enterprise');
    expect(outside.ok).toBe(true);
    expect(outside.shown).toMatch(/refused/);
    expect(outside.shown).toMatch(/U_ACME may not change tenant globex: as admin of acme they manage only that tenant/);

    expect((await type('U_OPS1', '/tenant', 'set initech --tier gold --reason "x"')).shown).toMatch(
      /no tenant `?initech`?: add it with \/tenant add initech/,
    );
    expect((await type('U_OPS1', '/tenant', 'add acme --reason "again"')).shown).toMatch(
      /tenant `?acme`? already exists \(Acme Inc, tier enterprise\): change it with \/tenant set acme --tier <tier>/,
    );
    expect((await type('U_OPS1', '/cohort', 'add gamma acme --reason "x"')).shown).toMatch(
      /no cohort `?gamma`?: create it with \/cohort create gamma/,
    );
    await approved('/cohort', 'create pilot');
    expect((await type('U_OPS1', '/cohort', 'create pilot --reason "again"')).shown).toMatch(
      /cohort `?pilot`? already exists \(0 tenants\)/,
    );
    expect((await type('U_OPS1', '/cohort', 'add pilot acme nope --reason "x"')).shown).toMatch(
      /no tenant `?nope`?: add it with \/tenant add nope/,
    );
    await seedFlag(h, { key: 'to-nobody' });
    expect((await type('U_DEV', '/flag', 'rollout to-nobody on --env staging --cohorts pilot')).shown).toMatch(
      /cohort `?pilot`? has no tenants: add some with \/cohort add pilot <tenant…>/,
    );
  });

  it('rolls a flag out cohort by cohort over three cohorts, each serving its tenants in turn, and an abort clears them', async () => {
    for (const id of ['b1', 'b2', 's1', 'e1']) await approved('/tenant', `add ${id}`);
    await approved('/cohort', 'create beta --description "early adopters"');
    await approved('/cohort', 'create standard');
    await approved('/cohort', 'create enterprise');
    await approved('/cohort', 'add beta b1 b2');
    await approved('/cohort', 'add standard s1');
    await approved('/cohort', 'add enterprise e1');
    expect((await type('U_DEV', '/cohort', 'list')).shown).toMatch(/beta \(early adopters\) — 2 tenants: b1, b2/);

    await seedFlag(h, { key: 'cohort-go' });
    const everyone = ['b1', 'b2', 's1', 'e1', 'outsider'];
    const started = await type(
      'U_DEV',
      '/flag',
      'rollout cohort-go on --env staging --cohorts beta,standard,enterprise --bake 10m',
    );
    expect(started.shown).toMatch(/applied/);
    const rollout = h.client.workflow.getHandle(workflowIds.rollout('cohort-go', 'staging'));
    const atStage = (i: number) =>
      eventually(async () => ((await rollout.query(rolloutStateQuery)).stageIndex === i ? true : undefined));

    await atStage(0);
    expect(await servedTo('cohort-go', 'staging', everyone)).toEqual({
      b1: 'on',
      b2: 'on',
      s1: 'off',
      e1: 'off',
      outsider: 'off',
    });
    expect((await type('U_DEV', '/flag', 'rollout promote cohort-go --env staging')).ok).toBe(true);
    await atStage(1);
    expect(await servedTo('cohort-go', 'staging', everyone)).toEqual({
      b1: 'on',
      b2: 'on',
      s1: 'on',
      e1: 'off',
      outsider: 'off',
    });

    const aborted = await type('U_DEV', '/flag', 'rollout abort cohort-go --env staging');
    expect(aborted.ok).toBe(true);
    await eventually(async () => ((await rollout.query(rolloutStateQuery)).status === 'aborted' ? true : undefined));
    expect((await getFlag(h.db.pool, 'cohort-go'))!.document.environments.staging?.tenantOverrides).toEqual({});
    expect(await servedTo('cohort-go', 'staging', everyone)).toEqual({
      b1: 'off',
      b2: 'off',
      s1: 'off',
      e1: 'off',
      outsider: 'off',
    });
  });

  // The tenants added above give the tiers in use (enterprise, standard).
  it('serves a permission flag by tier: the rule the app matches with tenant.tier', async () => {
    await seedFlag(h, { key: 'sso', kind: 'permission', expiry: undefined });
    const served = await type('U_DEV', '/flag', 'serve sso on --env staging --tier enterprise');
    expect(served.shown).toMatch(/applied/);
    expect(served.shown).toMatch(/serve on to tenants of tier enterprise \(rule tier:enterprise\)/);
    const evaluate = compileFlag((await getFlag(h.db.pool, 'sso'))!.document, 'staging');
    expect(evaluate({ targetingKey: 'u1', tenant: { id: 'acme', tier: 'enterprise' } })).toMatchObject({
      variant: 'on',
      reason: 'TARGETING_MATCH',
    });
    expect(evaluate({ targetingKey: 'u2', tenant: { id: 'globex', tier: 'standard' } })).toMatchObject({
      variant: 'off',
    });
    expect((await type('U_DEV', '/flag', 'serve sso on --env staging --tier platinum')).shown).toMatch(
      /no tenant has tier `?platinum`? \(tiers in use: enterprise, standard\)/,
    );
  });
});
