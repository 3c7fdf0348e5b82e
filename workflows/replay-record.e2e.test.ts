import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WorkflowHandle } from '@temporalio/client';

import { afterAll, beforeAll, expect, it } from 'vitest';
import { eventually, grantRole, seedFlag, startTemporalHarness, type TemporalHarness } from '../test/temporal.js';
import {
  approveUpdate,
  breakGlassStateQuery,
  changeRequestStateQuery,
  reviewUpdate,
  rolloutControlUpdate,
  rolloutStateQuery,
  workflowIds,
} from './contracts.js';
import { FIXTURES_DIR, historyFromFixture, historyToFixture, replayFixtures } from '../test/replay-fixtures.js';
import { startBreakGlass, startChangeRequest, startGuardrailMonitor } from '../bot/workflow-starters.js';

/**
 * Runs each main workflow through its interesting path against a real server and replays the
 * resulting histories. With RECORD_REPLAY_FIXTURES=1 it also (re)writes workflows/__fixtures__,
 * which workflows/replay.test.ts replays on every run: commit them when a change is meant to be
 * compatible, and never re-record to make a determinism failure go away for running workflows.
 */
let h: TemporalHarness;
let prometheus: Server;

beforeAll(async () => {
  h = await startTemporalHarness();
  await grantRole(h, 'U_OPS1', 'operator');
  // Break-glass is on call's: U_OPS1 breaks glass in production below, U_OPS2 (an operator there) reviews.
  await grantRole(h, 'U_OPS1', 'oncall', { env: 'production' });
  await grantRole(h, 'U_OPS2', 'operator');
  await grantRole(h, 'U_PM', 'product_manager');
  prometheus = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(
      JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [0, '9'] }] } }),
    );
  });
  await new Promise<void>((resolve) => prometheus.listen(0, '127.0.0.1', resolve));
  h.settings.PROMETHEUS_URL = `http://127.0.0.1:${(prometheus.address() as AddressInfo).port}`;
});
afterAll(async () => {
  prometheus?.close();
  await h?.close();
});

const replyTo = (user: string) => ({ transport: 'console' as const, user });

async function record(name: string, handle: WorkflowHandle): Promise<{ workflowId: string; history: unknown }> {
  await handle.result();
  const fixture = historyToFixture(await handle.fetchHistory());
  if (process.env.RECORD_REPLAY_FIXTURES === '1') await writeFile(`${FIXTURES_DIR}/${name}.json`, fixture);
  // Replay what the fixture holds, so a lossy round trip would show here rather than in CI.
  return { workflowId: handle.workflowId, history: historyFromFixture(fixture) };
}

it('the main workflows replay their own fresh histories (and, when asked, record them as fixtures)', async () => {
  const recorded: Array<{ workflowId: string; history: unknown }> = [];

  // Change request: risky, refused self-approval, approved by a second operator.
  await seedFlag(h, { key: 'rp-risky' });
  const cr = await startChangeRequest(
    h.client,
    {
      requestId: randomUUID(),
      requester: 'U_OPS1',
      command: { name: 'flag.on', key: 'rp-risky', env: 'production', reason: 'go' },
      reason: 'go',
      replyTo: replyTo('U_OPS1'),
    },
    h.taskQueue,
  );
  await eventually(async () =>
    (await cr.query(changeRequestStateQuery)).status === 'awaiting_approval' ? true : undefined,
  );
  await cr.executeUpdate(approveUpdate, { args: [{ user: 'U_OPS1' }] }).catch(() => undefined);
  await cr.executeUpdate(approveUpdate, { args: [{ user: 'U_OPS2' }] });
  recorded.push(await record('change-request-approved', cr));

  // Change request nobody decided in time.
  await seedFlag(h, { key: 'rp-expired' });
  const expired = await startChangeRequest(
    h.client,
    {
      requestId: randomUUID(),
      requester: 'U_OPS1',
      command: { name: 'flag.on', key: 'rp-expired', env: 'production' },
      reason: 'go',
      replyTo: replyTo('U_OPS1'),
      approvalTimeoutMs: 500,
    },
    h.taskQueue,
  );
  recorded.push(await record('change-request-expired', expired));

  // Rollout started by a standard change request: its guardrail monitor, pause, a refused promote,
  // resume, promote, guardrail checks, completion. rollout-completed was re-recorded when the controls
  // became updates (they were signals): a rollout started on the signal-based code cannot replay on
  // this code, so rollouts still running then must finish or be aborted before that deploy.
  await seedFlag(h, {
    key: 'rp-rollout',
    guardrails: { auto_disable: { metric: 'rp_errors', threshold: 100, window: '1m' } },
  });
  const rolloutRequest = await startChangeRequest(
    h.client,
    {
      requestId: randomUUID(),
      requester: 'U_PM',
      command: { name: 'flag.rollout', key: 'rp-rollout', variation: 'on', env: 'production', bakeMs: 700 },
      replyTo: replyTo('U_PM'),
    },
    h.taskQueue,
  );
  recorded.push(await record('change-request-rollout', rolloutRequest));
  const rollout = h.client.workflow.getHandle(workflowIds.rollout('rp-rollout', 'production'));
  await eventually(async () => ((await rollout.query(rolloutStateQuery)).status === 'baking' ? true : undefined));
  // Controls are updates: a refused one (promote while paused) never reaches the history, an accepted one does.
  await rollout.executeUpdate(rolloutControlUpdate, { args: [{ action: 'pause', user: 'U_PM' }] });
  await rollout
    .executeUpdate(rolloutControlUpdate, { args: [{ action: 'promote', user: 'U_PM' }] })
    .catch(() => undefined);
  await new Promise((r) => setTimeout(r, 300));
  await rollout.executeUpdate(rolloutControlUpdate, { args: [{ action: 'resume', user: 'U_PM' }] });
  // A product manager may not promote in production (refused by the handler's role check, in the history); an operator may.
  await rollout
    .executeUpdate(rolloutControlUpdate, { args: [{ action: 'promote', user: 'U_PM' }] })
    .catch(() => undefined);
  await rollout.executeUpdate(rolloutControlUpdate, { args: [{ action: 'promote', user: 'U_OPS1' }] });
  recorded.push(await record('rollout-completed', rollout));

  // Break-glass: reminder, escalation, refused self-review, review.
  await seedFlag(h, { key: 'rp-glass', kind: 'ops', expiry: undefined, default: 'on' });
  const bg = await startBreakGlass(
    h.client,
    {
      requestId: randomUUID(),
      actor: 'U_OPS1',
      command: { name: 'flag.break-glass', key: 'rp-glass', serve: 'off', env: 'production', reason: 'INC-1' },
      reason: 'INC-1',
      replyTo: replyTo('U_OPS1'),
      reviewDueMs: 1_500,
      remindBeforeMs: [1_000],
    },
    h.taskQueue,
  );
  await eventually(async () => ((await bg.query(breakGlassStateQuery)).status === 'escalated' ? true : undefined));
  await bg.executeUpdate(reviewUpdate, { args: [{ user: 'U_OPS1' }] }).catch(() => undefined);
  await bg.executeUpdate(reviewUpdate, { args: [{ user: 'U_OPS2', reason: 'ok' }] });
  recorded.push(await record('break-glass-reviewed', bg));

  // Guardrail monitor: breach → kill.
  await seedFlag(h, {
    key: 'rp-guard',
    guardrails: { auto_disable: { metric: 'rp_guard_errors', threshold: 1, window: '1m' } },
  });
  recorded.push(
    await record(
      'guardrail-monitor-killed',
      await startGuardrailMonitor(h.client, { flagKey: 'rp-guard', env: 'production', checkEveryMs: 200 }, h.taskQueue),
    ),
  );

  const results = await replayFixtures(recorded);
  expect(results.filter((r) => r.error)).toEqual([]);
  expect(results).toHaveLength(6);
}, 90_000);
