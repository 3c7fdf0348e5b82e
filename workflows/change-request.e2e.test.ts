import { randomUUID } from 'node:crypto';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readServedEntries } from '../test/redis-entries.js';
import { getFlag } from '../storage/flags.js';
import { startHarnessEvaluator, type HarnessEvaluator } from '../test/harness-evaluator.js';
import { eventually, grantRole, seedFlag, startTemporalHarness, type TemporalHarness } from '../test/temporal.js';
import { approveUpdate, changeRequestStateQuery, rejectUpdate, type ChangeRequestInput } from './contracts.js';
import { startChangeRequest } from '../bot/workflow-starters.js';

let h: TemporalHarness;
let served: HarnessEvaluator;

beforeAll(async () => {
  h = await startTemporalHarness();
  served = await startHarnessEvaluator(h, ['staging']);
  await grantRole(h, 'U_DEV', 'developer');
  await grantRole(h, 'U_OPS1', 'operator');
  await grantRole(h, 'U_OPS2', 'operator');
});
afterAll(async () => {
  await served?.close();
  await h?.close();
});

function request(requester: string, command: ChangeRequestInput['command'], extra: Partial<ChangeRequestInput> = {}) {
  return startChangeRequest(
    h.client,
    { requestId: randomUUID(), requester, command, replyTo: { transport: 'console', user: requester }, ...extra },
    h.taskQueue,
  );
}

async function updateError(promise: Promise<unknown>): Promise<string> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  return (err as WorkflowUpdateFailedError).cause?.message ?? '';
}

async function awaitingApproval(handle: Awaited<ReturnType<typeof request>>) {
  return eventually(async () => {
    const state = await handle.query(changeRequestStateQuery);
    return state.status === 'awaiting_approval' ? state : undefined;
  });
}

describe('change request workflow', () => {
  it('applies a standard change at once and the Redis snapshot serves it', async () => {
    await seedFlag(h, { key: 'std-checkout' });
    const handle = await request('U_DEV', { name: 'flag.on', key: 'std-checkout', env: 'staging' });
    const state = await handle.result();
    expect(state.status).toBe('applied');
    expect(state.classification).toBe('standard');
    expect(state.summary).toContain('off');
    const snapshot = await readServedEntries(h.redis, h.keys, 'staging');
    expect(snapshot.flags['std-checkout']?.environments.staging?.serve).toEqual({ serve: 'on' });
    await eventually(
      async () => {
        const { body } = await served.ofrep('staging', 'std-checkout', { targetingKey: 'u-1' });
        return body.value === true ? body : undefined;
      },
      2_000,
      'the evaluator serving the change',
    );
  });

  it('starts one workflow for one request id, however often it is retried', async () => {
    await seedFlag(h, { key: 'std-retry' });
    const input = {
      requestId: randomUUID(),
      requester: 'U_DEV',
      command: { name: 'flag.on', key: 'std-retry', env: 'dev' },
      replyTo: { transport: 'console' as const, user: 'U_DEV' },
    };
    const first = await startChangeRequest(h.client, input, h.taskQueue);
    await first.result();
    const again = await startChangeRequest(h.client, input, h.taskQueue);
    expect(again.workflowId).toBe(first.workflowId);
    expect((await getFlag(h.db.pool, 'std-retry'))?.version).toBe(2);
  });

  it('refuses someone who holds no role at all, saying who and what', async () => {
    await seedFlag(h, { key: 'std-forbidden' });
    const state = await (
      await request('U_NOBODY', { name: 'flag.on', key: 'std-forbidden', env: 'production' })
    ).result();
    expect(state.status).toBe('refused');
    expect(state.message).toMatch(/U_NOBODY has no Switchyard role, so may not flag\.on std-forbidden in production/);
  });

  it('refuses a rollout to a cohort that does not exist, naming it', async () => {
    await seedFlag(h, { key: 'std-cohort' });
    const state = await (
      await request('U_DEV', {
        name: 'flag.rollout',
        key: 'std-cohort',
        variation: 'on',
        env: 'staging',
        cohorts: ['platinum'],
      })
    ).result();
    expect(state.status).toBe('refused');
    expect(state.message).toBe(
      'unknown cohort(s): platinum (create one with /cohort create platinum; see /cohort list)',
    );
  });

  it("holds a change outside the requester's own rights for an eligible approver", async () => {
    await seedFlag(h, { key: 'std-outside' });
    const handle = await request(
      'U_DEV',
      { name: 'flag.on', key: 'std-outside', env: 'production' },
      { reason: 'customer escalation' },
    );
    const waiting = await awaitingApproval(handle);
    expect(waiting.riskReasons.join(' ')).toMatch(/outside U_DEV's own rights/);
    const approved = await handle.executeUpdate(approveUpdate, { args: [{ user: 'U_OPS2' }] });
    expect(approved.status).toBe('applied');
  });

  it('holds a risky change for a second person: self-approval and an ineligible approver are refused', async () => {
    const version = await seedFlag(h, { key: 'risky-payments' });
    const handle = await request(
      'U_OPS1',
      { name: 'flag.on', key: 'risky-payments', env: 'production', reason: 'launch' },
      { reason: 'launch' },
    );
    const waiting = await awaitingApproval(handle);
    expect(waiting.classification).toBe('risky');
    expect(waiting.riskReasons.length).toBeGreaterThan(0);
    expect((await getFlag(h.db.pool, 'risky-payments'))?.version).toBe(version);

    expect(await updateError(handle.executeUpdate(approveUpdate, { args: [{ user: 'U_OPS1' }] }))).toBe(
      'you requested this change; another eligible person must approve it',
    );
    expect(await updateError(handle.executeUpdate(approveUpdate, { args: [{ user: 'U_DEV' }] }))).toMatch(
      /U_DEV cannot approve/,
    );

    const approved = await handle.executeUpdate(approveUpdate, { args: [{ user: 'U_OPS2' }] });
    expect(approved.status).toBe('applied');
    expect(approved.decidedBy).toBe('U_OPS2');
    const stored = await getFlag(h.db.pool, 'risky-payments');
    expect(stored?.version).toBe(version + 1);
    expect(stored?.document.environments.production?.serve).toEqual({ serve: 'on' });
    const audit = await h.db.pool.query(
      'SELECT actor, approved_by FROM audit_log WHERE entity_key = $1 AND action = $2',
      ['risky-payments', 'flag.on'],
    );
    expect(audit.rows).toEqual([{ actor: 'U_OPS1', approved_by: 'U_OPS2' }]);
  });

  it('a rejection needs a reason and leaves the flag untouched', async () => {
    const version = await seedFlag(h, { key: 'risky-rejected' });
    // The justification inside the command is enough.
    const handle = await request('U_OPS1', {
      name: 'flag.on',
      key: 'risky-rejected',
      env: 'production',
      reason: 'try',
    });
    await awaitingApproval(handle);
    expect(await updateError(handle.executeUpdate(rejectUpdate, { args: [{ user: 'U_OPS2', reason: ' ' }] }))).toBe(
      'a rejection needs a reason',
    );
    const rejected = await handle.executeUpdate(rejectUpdate, {
      args: [{ user: 'U_OPS2', reason: 'not during the freeze' }],
    });
    expect(rejected.status).toBe('rejected');
    expect(rejected.rejectionReason).toBe('not during the freeze');
    expect((await getFlag(h.db.pool, 'risky-rejected'))?.version).toBe(version);
  });

  it('expires when nobody decides in time, changing nothing', async () => {
    const version = await seedFlag(h, { key: 'risky-expired' });
    const handle = await request(
      'U_OPS1',
      { name: 'flag.on', key: 'risky-expired', env: 'production', reason: 'x' },
      { reason: 'x', approvalTimeoutMs: 1_500 },
    );
    const state = await handle.result();
    expect(state.status).toBe('expired');
    expect(state.message).toBe('nobody approved it within 2 seconds; nothing was changed');
    expect((await getFlag(h.db.pool, 'risky-expired'))?.version).toBe(version);
    // A late click finds nothing to approve.
    await expect(handle.executeUpdate(approveUpdate, { args: [{ user: 'U_OPS2' }] })).rejects.toThrow();
  });

  it('fails as a conflict when the flag changed after the request', async () => {
    await seedFlag(h, { key: 'risky-conflict' });
    const handle = await request(
      'U_OPS1',
      { name: 'flag.on', key: 'risky-conflict', env: 'production', reason: 'go' },
      { reason: 'go' },
    );
    await awaitingApproval(handle);
    const meanwhile = await (await request('U_DEV', { name: 'flag.on', key: 'risky-conflict', env: 'dev' })).result();
    expect(meanwhile.status).toBe('applied');
    const state = await handle.executeUpdate(approveUpdate, { args: [{ user: 'U_OPS2' }] });
    expect(state.status).toBe('conflict');
    expect(state.message).toMatch(/changed after this request/);
    expect((await getFlag(h.db.pool, 'risky-conflict'))?.document.environments.production).toBeUndefined();
    const told = await eventually(async () => {
      const outbox = await h.db.pool.query(
        "SELECT event FROM outbox WHERE event->>'kind' = 'change_conflict' AND event->>'entryKey' = 'risky-conflict'",
      );
      return outbox.rowCount ? outbox.rows : undefined;
    });
    expect(told).toHaveLength(1);
    expect((await handle.result()).status).toBe('conflict');
  });
});
