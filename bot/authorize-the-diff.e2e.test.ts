import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../activities/index.js';
import { planChange } from '../core/change/plan/index.js';
import { createLogger } from '../storage/logger.js';
import type { FlagDocument } from '../core/model/flag.js';
import { getFlag } from '../storage/flags.js';
import { startHarnessEvaluator, type HarnessEvaluator } from '../test/harness-evaluator.js';
import { eventually, grantRole, seedFlag, startTemporalHarness, type TemporalHarness } from '../test/temporal.js';
import { blocksToText } from './console/blocks-to-text.js';
import { createCommandHandler, type CommandHandler } from './command-handler.js';
import { TEST_POLICY } from '../test/policy.js';

/**
 * Issue 7, defects 1, 4 and 5, from the outside: typed at the console as the README's people,
 * checked in what the evaluator serves and in the audit log. RBAC and classification judge the
 * environments and tenants a change's documents differ in, not the --env that was typed.
 */
const log = createLogger('silent');
const environments = ['dev', 'staging', 'production'];
let h: TemporalHarness;
let served: HarnessEvaluator;
let handler: CommandHandler;

beforeAll(async () => {
  h = await startTemporalHarness();
  served = await startHarnessEvaluator(h, ['staging', 'production']);
  // The README's setup: Alice and Bob operate production; Alice also develops (dev and staging).
  await grantRole(h, 'U_ALICE', 'operator', { env: 'production' });
  await grantRole(h, 'U_BOB', 'operator', { env: 'production' });
  await grantRole(h, 'U_ALICE', 'developer');
  await grantRole(h, 'U_DEV', 'developer');
  handler = createCommandHandler({
    client: h.client,
    taskQueue: h.taskQueue,
    pool: h.db.pool,
    log,
    environments,
    policy: TEST_POLICY,
  });
});
afterAll(async () => {
  await served?.close();
  await h?.close();
});

const type = async (user: string, slash: '/flag' | '/change', text: string, requestId = randomUUID()) => {
  const reply = await handler.handleCommand({
    transport: 'console',
    user,
    command: slash,
    text,
    requestId,
    replyTo: { transport: 'console', user },
  });
  return { ...reply, all: `${reply.text}\n${blocksToText(reply)}`, requestId };
};

const auditOf = async (key: string, action: string) =>
  (
    await h.db.pool.query<{
      environment: string | null;
      tenant: string | null;
      detail: { touched?: { environments: string[]; tenants: string[] } };
    }>('SELECT environment, tenant, detail FROM audit_log WHERE entity_key = $1 AND action = $2 ORDER BY seq', [
      key,
      action,
    ])
  ).rows;

const experiment = (key: string) =>
  seedFlag(h, {
    key,
    kind: 'experiment',
    valueType: 'string',
    variations: [
      { id: 'c', value: 'control' },
      { id: 'e', value: 'experiment' },
    ],
    default: 'c',
    offVariation: 'c',
  });

describe('authorizing what a change touches', () => {
  it("a developer's override in staging is applied in staging only: production keeps serving user-9 as before", async () => {
    await experiment('prec');
    const reply = await type('U_DEV', '/flag', 'override prec e --user user-9 --env staging --ttl 1h');
    expect(reply.all).toMatch(/applied/);
    expect(reply.all).toMatch(/standard/);
    const stored = (await getFlag(h.db.pool, 'prec'))!.document;
    expect(stored.environments.staging?.userOverrides['user-9']?.variation).toBe('e');
    expect(stored.environments.production?.userOverrides ?? {}).toEqual({});
    expect(stored.environments.dev?.userOverrides ?? {}).toEqual({});

    await eventually(
      async () =>
        (await served.ofrep('staging', 'prec', { targetingKey: 'user-9' })).body.variant === 'e' ? true : undefined,
      5_000,
      'staging serving the override',
    );
    const production = await served.ofrep('production', 'prec', { targetingKey: 'user-9' });
    expect(production.body).toMatchObject({ value: 'control', variant: 'c' });

    expect(await auditOf('prec', 'flag.override')).toEqual([
      {
        environment: 'staging',
        tenant: null,
        detail: expect.objectContaining({ touched: { environments: ['staging'], tenants: [] } }),
      },
    ]);
  });

  it('an override needs --env or --all, and says so', async () => {
    const reply = await type('U_DEV', '/flag', 'override prec e --user user-9');
    expect(reply.ok).toBe(false);
    expect(reply.text).toMatch(/--env <env>.*--all/);
  });

  it('a production user override by an operator takes --reason and waits for a second operator', async () => {
    await seedFlag(h, { key: 'checkout-v2', environments: { production: { serve: { serve: 'on' } } } });
    const requested = await type(
      'U_BOB',
      '/flag',
      'override checkout-v2 off --user user-5 --env production --reason "support case 812"',
    );
    expect(requested.all).toMatch(/awaiting approval/);
    expect(requested.all).toContain('changed in production under the operator role (4-eyes)');
    expect((await getFlag(h.db.pool, 'checkout-v2'))!.version).toBe(1);

    const approved = await type('U_ALICE', '/change', `approve ${requested.requestId}`);
    expect(approved.all).toMatch(/applied/);
    await eventually(
      async () =>
        (await served.ofrep('production', 'checkout-v2', { targetingKey: 'user-5' })).body.value === false
          ? true
          : undefined,
      5_000,
      'production serving the override',
    );
    expect((await served.ofrep('production', 'checkout-v2', { targetingKey: 'user-6' })).body.value).toBe(true);
    expect(await auditOf('checkout-v2', 'flag.override')).toEqual([
      expect.objectContaining({ environment: 'production' }),
    ]);
  });

  it('a kill in every environment by someone who may change the flag in each is applied at once, and audited with every environment', async () => {
    await seedFlag(h, {
      key: 'kill-everywhere',
      environments: { production: { serve: { serve: 'on' } }, staging: { serve: { serve: 'on' } } },
    });
    const reply = await type('U_ALICE', '/flag', 'kill kill-everywhere --all --reason "bad release"');
    expect(reply.all).toMatch(/applied/);
    expect(reply.all).not.toMatch(/awaiting approval/);
    const stored = (await getFlag(h.db.pool, 'kill-everywhere'))!.document;
    expect(environments.every((env) => stored.environments[env]?.killed)).toBe(true);
    await eventually(
      async () =>
        (await served.ofrep('production', 'kill-everywhere', { targetingKey: 'u' })).body.reason === 'DISABLED'
          ? true
          : undefined,
      5_000,
      'production killed',
    );
    expect(await auditOf('kill-everywhere', 'flag.kill')).toEqual([
      { environment: null, tenant: null, detail: expect.objectContaining({ touched: { environments, tenants: [] } }) },
    ]);
  });

  it('a kill where the actor lacks the right waits for a second person, naming the environment and offering break-glass', async () => {
    await seedFlag(h, { key: 'kill-beyond', environments: { production: { serve: { serve: 'on' } } } });
    const reply = await type('U_DEV', '/flag', 'kill kill-beyond --all --reason "bad release"');
    expect(reply.all).toMatch(/awaiting approval/);
    expect(reply.all).toContain('U_DEV may not change kill-beyond in production');
    expect(reply.all).toContain('/flag break-glass kill-beyond off --env production --reason "…"');
    // Nothing is applied anywhere until someone who may change all three approves: Bob only holds production.
    expect((await getFlag(h.db.pool, 'kill-beyond'))!.version).toBe(1);
    const bob = await type('U_BOB', '/change', `approve ${reply.requestId}`);
    expect(bob.ok).toBe(false);
    expect(bob.all).toMatch(/U_BOB cannot approve: U_BOB may not flag\.kill kill-beyond in dev/);
    expect((await type('U_ALICE', '/change', `approve ${reply.requestId}`)).all).toMatch(/applied/);
  });

  it('applying re-judges the change on its documents: a plan that reaches further than its request said is stopped', async () => {
    await seedFlag(h, { key: 'smuggled' });
    const current = (await getFlag(h.db.pool, 'smuggled'))!;
    // The plan of an override in every environment, carried with the request of one in staging.
    const plan = planChange(
      { name: 'flag.override', key: 'smuggled', variation: 'on', user: 'user-1', all: true },
      { current: current.document as FlagDocument, version: current.version, environments, now: new Date() },
    );
    const activities = createActivities({
      pool: h.db.pool,
      redis: h.redis,
      keys: h.keys,
      log,
      notifier: { deliver: async () => {} },
      settings: h.settings,
    });
    const applying = activities.applyPlannedChange({
      changeId: `smuggled-${randomUUID()}`,
      actor: 'U_DEV',
      plan,
      request: {
        action: 'flag.override',
        entity: 'flag',
        key: 'smuggled',
        env: 'staging',
        user: 'user-1',
        touched: [{ env: 'staging' }],
      },
      requestId: randomUUID(),
    });
    await expect(applying).rejects.toThrow(/U_DEV may not apply this change without a second person: .*in production/);
    expect((await getFlag(h.db.pool, 'smuggled'))!.version).toBe(current.version);
  });
});
