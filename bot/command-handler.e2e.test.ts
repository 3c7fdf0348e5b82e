import { TEST_POLICY } from '../test/policy.js';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readOutbox } from '../storage/outbox.js';
import { createLogger } from '../storage/logger.js';
import { getFlag } from '../storage/flags.js';
import { grantRole, listRoleBindings } from '../storage/role-bindings.js';
import { eventually, seedFlag, startTemporalHarness, type TemporalHarness } from '../test/temporal.js';
import { createCommandHandler, type CommandHandler } from './command-handler.js';
import { ACTION } from '../render/action-ids.js';
import type { Block } from '../render/blocks.js';
import { rolloutStateQuery, workflowIds } from '../workflows/contracts.js';
import { rolloutWorkflow } from '../workflows/rollout.js';

const log = createLogger('silent');
let h: TemporalHarness;
let handler: CommandHandler;

beforeAll(async () => {
  h = await startTemporalHarness();
  const deps = { pool: h.db.pool, log, policy: TEST_POLICY };
  await grantRole(deps, { subject: 'U_OPS1', role: 'operator', env: 'production', actor: 'test-setup' });
  await grantRole(deps, { subject: 'U_OPS2', role: 'operator', env: 'production', actor: 'test-setup' });
  // Break-glass is on call's: U_OPS1 is on call in production, U_OPS2 (an operator there) reviews.
  await grantRole(deps, { subject: 'U_OPS1', role: 'oncall', env: 'production', actor: 'test-setup' });
  await grantRole(deps, { subject: 'U_DEV', role: 'developer', actor: 'test-setup' });
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

const command = (user: string, slash: '/flag' | '/config' | '/change', text: string, requestId = randomUUID()) =>
  handler.handleCommand({
    transport: 'console',
    user,
    command: slash,
    text,
    requestId,
    replyTo: { transport: 'console', user },
  });
const click = (user: string, actionId: string, value: string, reason?: string) =>
  handler.handleAction({
    user,
    actionId,
    value,
    requestId: randomUUID(),
    replyTo: { transport: 'console', user },
    reason,
  });
/** A rollout baking its first stage for a minute, as a rollout change would start it. */
async function startRollout(flagKey: string, env: string) {
  const handle = await h.client.workflow.start(rolloutWorkflow, {
    workflowId: workflowIds.rollout(flagKey, env),
    taskQueue: h.taskQueue,
    args: [
      {
        rolloutId: randomUUID(),
        flagKey,
        env,
        variation: 'on',
        stages: [1, 10, 100],
        bakeMs: 60_000,
        requester: 'U_OPS1',
        replyTo: { transport: 'console', user: 'U_OPS1' },
      },
    ],
  });
  await eventually(async () => ((await handle.query(rolloutStateQuery)).status === 'baking' ? true : undefined));
  return handle;
}
const buttons = (blocks: Block[]) =>
  blocks.flatMap((b) => (b.type === 'actions' ? b.elements.map((e) => [e.action_id, e.value]) : []));

describe('the command handler', () => {
  it('a retried request (same request id) makes one change, not two', async () => {
    await seedFlag(h, { key: 'retry-me' });
    const requestId = randomUUID();
    const first = await command('U_DEV', '/flag', 'on retry-me --env staging', requestId);
    const again = await command('U_DEV', '/flag', 'on retry-me --env staging', requestId);
    expect(first.ok).toBe(true);
    expect(first.text).toMatch(/applied/);
    expect(again.text).toMatch(/applied/);
    expect((await getFlag(h.db.pool, 'retry-me'))?.version).toBe(2);
  });

  it('a standard change the requester may not make is refused with who and what', async () => {
    await seedFlag(h, { key: 'dev-cannot' });
    const reply = await command('U_DEV', '/flag', 'on dev-cannot --env production');
    expect(reply.text).toMatch(/refused/);
    expect(reply.text).toMatch(/U_DEV may not/);
  });

  it('a risky change can be shown with its buttons and approved by id from a second operator', async () => {
    await seedFlag(h, { key: 'show-approve' });
    const requestId = randomUUID();
    const requested = await command(
      'U_OPS1',
      '/flag',
      'on show-approve --env production --reason "go live"',
      requestId,
    );
    expect(requested.text).toMatch(/awaiting approval/);
    const shown = await command('U_OPS2', '/change', `show ${requestId}`);
    expect(buttons(shown.blocks)).toEqual([
      [ACTION.approve, `change-${requestId}`],
      [ACTION.reject, `change-${requestId}`],
    ]);
    const listed = await command('U_OPS2', '/change', 'list');
    expect(listed.text).toMatch(/open change request/);
    expect(JSON.stringify(listed.blocks)).toContain(requestId);

    const approved = await command('U_OPS2', '/change', `approve ${requestId}`);
    expect(approved.ok).toBe(true);
    expect(approved.text).toMatch(/applied/);
    const late = await click('U_OPS2', ACTION.reject, `change-${requestId}`, 'too late');
    expect(late.ok).toBe(false);
    expect(late.text).toMatch(/applied/);
    expect((await getFlag(h.db.pool, 'show-approve'))?.document.environments.production?.serve).toEqual({
      serve: 'on',
    });
  });

  it('a rejection without a reason is refused before it reaches the workflow', async () => {
    const reply = await click('U_OPS2', ACTION.reject, 'change-anything');
    expect(reply.ok).toBe(false);
    expect(reply.text).toMatch(/a rejection needs a reason/);
  });

  it('a developer may not pause a production rollout: the rollout itself refuses, with who and what', async () => {
    await seedFlag(h, { key: 'prod-rollout' });
    const rollout = await startRollout('prod-rollout', 'production');
    const reply = await command('U_DEV', '/flag', 'rollout pause prod-rollout --env production');
    expect(reply.ok).toBe(false);
    expect(reply.text).toMatch(/U_DEV may not flag\.rollout\.pause prod-rollout in production/);
    expect((await rollout.query(rolloutStateQuery)).status).toBe('baking');
    expect((await command('U_OPS1', '/flag', 'rollout abort prod-rollout --env production')).ok).toBe(true);
  });

  it('rollout controls answer with the state they left, and a promote on a paused rollout is refused', async () => {
    await seedFlag(h, { key: 'held-rollout' });
    const rollout = await startRollout('held-rollout', 'staging');
    const paused = await command('U_DEV', '/flag', 'rollout pause held-rollout --env staging');
    expect(paused.ok).toBe(true);
    expect(paused.text).toMatch(
      /^paused by U_DEV\. Rollout of held-rollout \(on\) in staging: paused, 1 % \(stage 1\/3\)/,
    );
    expect(buttons(paused.blocks).map(([id]) => id)).toEqual([
      ACTION.rolloutResume,
      ACTION.rolloutPromote,
      ACTION.rolloutAbort,
    ]);

    const promote = await click('U_DEV', ACTION.rolloutPromote, rollout.workflowId);
    expect(promote.ok).toBe(false);
    expect(promote.text).toMatch(
      /cannot promote this rollout: paused: resume first \(\/flag rollout resume held-rollout --env staging\)/,
    );
    const promoteCommand = await command('U_DEV', '/flag', 'rollout promote held-rollout --env staging');
    expect(promoteCommand.text).toMatch(
      /cannot promote the rollout of .*held-rollout.* in staging: paused: resume first/,
    );
    const resumed = await click('U_DEV', ACTION.rolloutResume, rollout.workflowId);
    expect(resumed.text).toMatch(/^resumed by U_DEV\. .*baking, 1 % \(stage 1\/3\)/);
    expect((await rollout.query(rolloutStateQuery)).stageIndex).toBe(0);

    const promoted = await command('U_DEV', '/flag', 'rollout promote held-rollout --env staging');
    expect(promoted.text).toMatch(/^promoted by U_DEV\. .*10 % \(stage 2\/3\)/);
    const aborted = await command('U_DEV', '/flag', 'rollout abort held-rollout --env staging');
    expect(aborted.text).toMatch(/^aborted by U_DEV\. .*: aborted/);
    const late = await command('U_DEV', '/flag', 'rollout resume held-rollout --env staging');
    expect(late.ok).toBe(false);
    // Whether it reaches the workflow while it winds up or after: the same news.
    expect(late.text).toMatch(/the rollout of .*held-rollout.* in staging.* already aborted/);
    const none = await command('U_DEV', '/flag', 'rollout pause no-rollout --env staging');
    expect(none.text).toMatch(/no rollout of .*no-rollout.* is running in staging/);
  });

  it('break-glass applies at once and only someone else can mark it reviewed', async () => {
    await seedFlag(h, { key: 'glass' });
    const reply = await command('U_OPS1', '/flag', 'break-glass glass on --env production --reason "outage #42"');
    expect(reply.text).toMatch(/applied/);
    const incident = await eventually(async () =>
      (await readOutbox(h.db.pool)).find(
        (r) => r.event.kind === 'incident_opened' && r.event.summary.includes('glass'),
      ),
    );
    expect((await getFlag(h.db.pool, 'glass'))?.document.environments.production?.serve).toEqual({ serve: 'on' });
    const requestId = (incident.event as { requestId: string }).requestId;

    const self = await click('U_OPS1', ACTION.breakGlassReview, `break-glass-${requestId}`);
    expect(self.ok).toBe(false);
    expect(self.text).toMatch(/someone else must review it/);
    const other = await click('U_OPS2', ACTION.breakGlassReview, `break-glass-${requestId}`, 'checked the graphs');
    expect(other.ok).toBe(true);
    expect(other.text).toMatch(/reviewed by U_OPS2/);
  });

  it('grants a role from chat only after a second operator approves, and audits who approved', async () => {
    const requestId = randomUUID();
    const requested = await command(
      'U_OPS1',
      '/change',
      'role grant U_NEW operator --env production --reason "joins on-call"',
      requestId,
    );
    expect(requested.text).toMatch(/awaiting approval/);
    expect(JSON.stringify(requested.blocks)).toMatch(/role changes always need a second person/);
    expect(await listRoleBindings(h.db.pool, 'U_NEW')).toEqual([]);

    const self = await command('U_OPS1', '/change', `approve ${requestId}`);
    expect(self.ok).toBe(false);
    const approved = await command('U_OPS2', '/change', `approve ${requestId}`);
    expect(approved.text).toMatch(/applied/);
    expect(await listRoleBindings(h.db.pool, 'U_NEW')).toEqual([
      expect.objectContaining({ role: 'operator', env: 'production', grantedBy: 'U_OPS1' }),
    ]);
    const audit = await h.db.pool.query(
      "SELECT actor, approved_by, reason FROM audit_log WHERE action = 'role.grant' AND entity_key = 'U_NEW'",
    );
    expect(audit.rows).toEqual([{ actor: 'U_OPS1', approved_by: 'U_OPS2', reason: 'joins on-call' }]);
  });

  it('reverts a change by its request id as a new version, and refuses a revert under later changes', async () => {
    await seedFlag(h, { key: 'revert-me' });
    const first = randomUUID();
    expect((await command('U_DEV', '/flag', 'on revert-me --env staging', first)).text).toMatch(/applied/);
    const history = await command('U_DEV', '/flag', 'history revert-me');
    expect(history.text + JSON.stringify(history.blocks)).toContain(first);

    const reverted = await command('U_DEV', '/change', `revert ${first} --reason "not yet"`);
    expect(reverted.text).toMatch(/applied/);
    const flag = (await getFlag(h.db.pool, 'revert-me'))!;
    expect(flag.version).toBe(3);
    expect(flag.document.environments.staging?.serve).toBeUndefined();
    const audit = await h.db.pool.query(
      "SELECT actor, reason FROM audit_log WHERE action = 'change.revert' AND entity_key = 'revert-me'",
    );
    expect(audit.rows).toEqual([{ actor: 'U_DEV', reason: 'not yet' }]);

    // `first` is no longer the latest change: undoing it now would also undo the revert.
    const stale = await command('U_DEV', '/change', `revert ${first} --reason "again"`);
    expect(stale.text).toMatch(/refused/);
    expect(stale.text).toMatch(/changed after/);
    const unknown = await command('U_DEV', '/change', 'revert no-such-change --reason "x"');
    expect(unknown.text).toMatch(/refused.*no applied change has the id/);
    expect((await getFlag(h.db.pool, 'revert-me'))!.version).toBe(3);
  });

  it('refuses to revert a rollout that is still running and points at abort', async () => {
    await seedFlag(h, { key: 'revert-rolling' });
    const requestId = randomUUID();
    expect(
      (await command('U_DEV', '/flag', 'rollout revert-rolling on --env staging --stages 10,100 --bake 1h', requestId))
        .text,
    ).toMatch(/rollout started/);
    await eventually(async () => ((await getFlag(h.db.pool, 'revert-rolling'))!.version >= 2 ? true : undefined));
    const refused = await command('U_DEV', '/change', `revert ${requestId} --reason "undo"`);
    expect(refused.ok).toBe(false);
    expect(refused.text).toContain('/flag rollout abort revert-rolling --env staging');
    expect((await command('U_DEV', '/flag', 'rollout abort revert-rolling --env staging')).ok).toBe(true);
  });
});
