import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChangeRequest } from '../bot/workflow-starters.js';
import { workflowIds } from '../core/workflow-ids.js';
import { eventually, grantRole, seedFlag, startTemporalHarness, type TemporalHarness } from '../test/temporal.js';
import { approveUpdate, changeRequestStateQuery, type ChangeRequestInput } from './contracts.js';

// An approved rollout is judged again when it starts, hours after the request (docs/design.md#re-judge-at-the-point-of-effect).
let h: TemporalHarness;

beforeAll(async () => {
  h = await startTemporalHarness();
  await grantRole(h, 'U_DEV', 'developer');
  await grantRole(h, 'U_OPS', 'operator', { env: 'production' });
});
afterAll(async () => {
  await h?.close();
});

async function requestSkippingRollout(requester: string, key: string) {
  // Straight to 100 % skips the plan's stages: a change a second person approves.
  const command: ChangeRequestInput['command'] = {
    name: 'flag.rollout',
    key,
    variation: 'on',
    env: 'production',
    stages: [100],
    bakeMs: 1_000,
    reason: 'launch',
  };
  const handle = await startChangeRequest(
    h.client,
    { requestId: randomUUID(), requester, command, replyTo: { transport: 'console', user: requester } },
    h.taskQueue,
  );
  await eventually(async () => {
    const state = await handle.query(changeRequestStateQuery);
    return state.status === 'awaiting_approval' ? state : undefined;
  });
  return handle;
}

async function rolloutExists(key: string): Promise<boolean> {
  try {
    await h.client.workflow.getHandle(workflowIds.rollout(key, 'production')).describe();
    return true;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}

async function stoppedAudit(requestId: string) {
  const { rows } = await h.db.pool.query<{ actor: string; reason: string }>(
    "SELECT actor, reason FROM audit_log WHERE action = 'change.stopped' AND request_id = $1",
    [requestId],
  );
  return rows;
}

describe('an approved rollout starts only if it may still start', () => {
  it('does not start for a requester who lost the right while it waited, and says so', async () => {
    await seedFlag(h, { key: 'rs-lost' });
    await grantRole(h, 'U_PM', 'product_manager');
    const handle = await requestSkippingRollout('U_PM', 'rs-lost');
    await h.db.pool.query(
      "UPDATE role_bindings SET revoked_at = now(), revoked_by = 'test' WHERE subject = 'U_PM' AND revoked_at IS NULL",
    );

    await handle.executeUpdate(approveUpdate, { args: [{ user: 'U_OPS' }] });
    const state = await handle.result();

    expect(state.status).toBe('refused');
    expect(state.message).toMatch(/U_PM has no Switchyard role/);
    expect(await rolloutExists('rs-lost')).toBe(false);
    expect(await stoppedAudit(state.requestId)).toEqual([{ actor: 'system', reason: state.message }]);
  });

  it('does not start when the flag changed after the request, naming the version it was planned on', async () => {
    await seedFlag(h, { key: 'rs-moved' });
    await grantRole(h, 'U_PM2', 'product_manager');
    const handle = await requestSkippingRollout('U_PM2', 'rs-moved');
    const kill = await startChangeRequest(
      h.client,
      {
        requestId: randomUUID(),
        requester: 'U_DEV',
        command: { name: 'flag.kill', key: 'rs-moved', env: 'dev', all: false, reason: 'incident' },
        replyTo: { transport: 'console', user: 'U_DEV' },
      },
      h.taskQueue,
    );
    expect((await kill.result()).status).toBe('applied');

    await handle.executeUpdate(approveUpdate, { args: [{ user: 'U_OPS' }] });
    const state = await handle.result();

    expect(state.status).toBe('conflict');
    expect(state.message).toMatch(/rs-moved changed after this rollout was requested \(version 1, now 2\)/);
    expect(await rolloutExists('rs-moved')).toBe(false);
  });

  it('starts when nothing changed and the rights still hold', async () => {
    await seedFlag(h, { key: 'rs-fine' });
    await grantRole(h, 'U_PM3', 'product_manager');
    const handle = await requestSkippingRollout('U_PM3', 'rs-fine');
    await handle.executeUpdate(approveUpdate, { args: [{ user: 'U_OPS' }] });
    expect((await handle.result()).status).toBe('applied');
    expect(await rolloutExists('rs-fine')).toBe(true);
  });
});
