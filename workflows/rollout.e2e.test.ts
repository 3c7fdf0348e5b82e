import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentPercent } from '../core/operations/flag-operations.js';
import { getFlag } from '../storage/flags.js';
import { startHarnessEvaluator, type HarnessEvaluator } from '../test/harness-evaluator.js';
import { eventually, grantRole, seedFlag, startTemporalHarness, type TemporalHarness } from '../test/temporal.js';
import type { WorkflowHandle } from '@temporalio/client';
import {
  rolloutControlUpdate,
  rolloutStateQuery,
  workflowIds,
  type RolloutControl,
  type RolloutInput,
} from './contracts.js';
import { guardrailMonitorWorkflow } from './guardrail-monitor.js';
import { rolloutWorkflow } from './rollout.js';
import { startChangeRequest, startGuardrailMonitor } from '../bot/workflow-starters.js';

let h: TemporalHarness;
let served: HarnessEvaluator;
let prometheus: Server;
let errorRate = 0.01;
/** When each Prometheus query arrived (ms since the epoch). */
const queriedAt: number[] = [];

beforeAll(async () => {
  h = await startTemporalHarness();
  served = await startHarnessEvaluator(h, ['staging']);
  await grantRole(h, 'U_DEV', 'developer');
  await grantRole(h, 'U_LEAD', 'operator');
  // A tiny stand-in for Prometheus' instant-query API, answering whatever the test sets.
  prometheus = createServer((req, res) => {
    const query = new URL(req.url!, 'http://x').searchParams.get('query');
    queriedAt.push(Date.now());
    res.setHeader('content-type', 'application/json');
    res.end(
      JSON.stringify({
        status: 'success',
        data: { resultType: 'vector', result: [{ metric: { query }, value: [Date.now() / 1000, String(errorRate)] }] },
      }),
    );
  });
  await new Promise<void>((resolve) => prometheus.listen(0, '127.0.0.1', resolve));
  h.settings.PROMETHEUS_URL = `http://127.0.0.1:${(prometheus.address() as AddressInfo).port}`;
});
afterAll(async () => {
  prometheus?.close();
  await served?.close();
  await h?.close();
});

async function percentOf(key: string, env: string): Promise<number> {
  const flag = await getFlag(h.db.pool, key);
  return currentPercent(flag!.document, env, 'on');
}

async function stageRows(key: string) {
  const { rows } = await h.db.pool.query<{ action: string; actor: string; on_behalf_of: string; change_id: string }>(
    "SELECT action, actor, on_behalf_of, change_id FROM audit_log WHERE entity_key = $1 AND action LIKE 'flag.rollout.%' ORDER BY seq",
    [key],
  );
  return rows;
}

function startRollout(input: Partial<RolloutInput> & { flagKey: string }) {
  return h.client.workflow.start(rolloutWorkflow, {
    workflowId: workflowIds.rollout(input.flagKey, input.env ?? 'staging'),
    taskQueue: h.taskQueue,
    args: [
      {
        rolloutId: randomUUID(),
        env: 'staging',
        variation: 'on',
        bakeMs: 1_000,
        requester: 'U_DEV',
        replyTo: { transport: 'console', user: 'U_DEV' },
        ...input,
      },
    ],
  });
}

/** A rollout control as the bot sends it: the workflow answers with its state, or refuses. */
const control = (handle: WorkflowHandle<typeof rolloutWorkflow>, action: RolloutControl, user = 'U_DEV') =>
  handle.executeUpdate(rolloutControlUpdate, { args: [{ action, user }] });

/** What a refused control tells the caller: the workflow's own words. */
async function refusalOf(attempt: Promise<unknown>): Promise<string> {
  const err = await attempt.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeDefined();
  let cause = err as { message?: string; cause?: unknown } | undefined;
  while (cause?.cause) cause = cause.cause as typeof cause;
  return cause?.message ?? '';
}

/** A monitor started ahead of the rollout, checking every `checkEveryMs`, so the test decides who sees the breach. */
async function monitorFirst(flagKey: string, checkEveryMs: number) {
  return startGuardrailMonitor(h.client, { flagKey, env: 'staging', checkEveryMs }, h.taskQueue);
}

describe('rollout workflow', () => {
  it('walks 1 → 5 → 25 → 50 → 100 % with a bake between stages, one audit row per stage, as system for the requester', async () => {
    await seedFlag(h, { key: 'ro-walk' });
    const request = await startChangeRequest(
      h.client,
      {
        requestId: randomUUID(),
        requester: 'U_DEV',
        command: { name: 'flag.rollout', key: 'ro-walk', variation: 'on', env: 'staging', bakeMs: 1_000 },
        replyTo: { transport: 'console', user: 'U_DEV' },
      },
      h.taskQueue,
    );
    expect((await request.result()).status).toBe('applied');
    const rollout = h.client.workflow.getHandle<typeof rolloutWorkflow>(workflowIds.rollout('ro-walk', 'staging'));

    const seen: number[] = [];
    const users = Array.from({ length: 10_000 }, (_, n) => `user-${n}`);
    let servedOn = new Set<string>();
    for (const [i, expected] of [1, 5, 25, 50, 100].entries()) {
      const state = await eventually(async () => {
        const s = await rollout.query(rolloutStateQuery);
        return s.stageIndex >= i ? s : undefined;
      });
      expect(state.stageIndex).toBe(i);
      seen.push(await percentOf('ro-walk', 'staging'));
      expect(seen[i]).toBe(expected);
      if (i < 4) expect(Date.parse(state.nextStepAt!)).toBeGreaterThan(Date.now() - 1_000);

      // The evaluator's split follows the stage: the snapshot it holds is this stage's (the bake is 1 s).
      const version = Number(await h.redis.get(h.keys.snapshotVersion('staging')));
      await eventually(
        async () => (served.evaluator.store.status().versions.staging === version ? true : undefined),
        2_000,
        `the evaluator at version ${version}`,
      );
      const held = served.evaluator.store.get('staging')!.compiled;
      const on = new Set(
        users.filter((u) => {
          const result = held.evaluate('ro-walk', { targetingKey: u, env: 'staging' });
          return result.ok && result.value === true;
        }),
      );
      expect(Math.abs((on.size / users.length) * 100 - expected)).toBeLessThanOrEqual(1.5);
      expect([...servedOn].filter((u) => !on.has(u))).toEqual([]);
      servedOn = on;
      // …and HTTP serves what the evaluator holds.
      const sample = users.find((u) => on.has(u))!;
      expect((await served.ofrep('staging', 'ro-walk', { targetingKey: sample })).body).toMatchObject({
        value: true,
        reason: 'SPLIT',
      });
    }
    const final = await rollout.result();
    expect(final.status).toBe('completed');
    const rows = await stageRows('ro-walk');
    expect(rows).toHaveLength(5);
    expect(new Set(rows.map((r) => r.change_id)).size).toBe(5);
    expect(
      rows.every((r) => r.action === 'flag.rollout.stage' && r.actor === 'system' && r.on_behalf_of === 'U_DEV'),
    ).toBe(true);
  });

  it('pause holds it and answers paused; promote while paused is refused and the resume does not jump; promote skips the bake; abort rolls back to 0 %', async () => {
    await seedFlag(h, { key: 'ro-control' });
    const handle = await startRollout({ flagKey: 'ro-control', bakeMs: 60_000 });
    await eventually(async () => ((await handle.query(rolloutStateQuery)).status === 'baking' ? true : undefined));
    expect(await control(handle, 'pause')).toMatchObject({ status: 'paused', stageIndex: 0 });
    expect(await refusalOf(control(handle, 'promote'))).toMatch(/^paused: resume first/);
    expect(await refusalOf(control(handle, 'pause'))).toMatch(/already paused/);
    await new Promise((r) => setTimeout(r, 1_500));
    const paused = await handle.query(rolloutStateQuery);
    expect(paused.status).toBe('paused');
    expect(paused.stageIndex).toBe(0);
    expect(await percentOf('ro-control', 'staging')).toBe(1);

    // The refused promote left nothing behind: resuming goes on baking stage 1, it does not jump.
    const resumed = await control(handle, 'resume');
    expect(resumed).toMatchObject({ status: 'baking', stageIndex: 0 });
    expect(Date.parse(resumed.nextStepAt!) - Date.now()).toBeGreaterThan(30_000);
    await new Promise((r) => setTimeout(r, 1_000));
    expect((await handle.query(rolloutStateQuery)).stageIndex).toBe(0);
    expect(await percentOf('ro-control', 'staging')).toBe(1);
    expect(await refusalOf(control(handle, 'resume'))).toMatch(/not paused/);

    const promoted = await control(handle, 'promote');
    expect(promoted.stageIndex).toBe(1);
    expect(await percentOf('ro-control', 'staging')).toBe(5);
    const baking = await eventually(async () => {
      const s = await handle.query(rolloutStateQuery);
      return s.status === 'baking' ? s : undefined;
    });
    expect(Date.parse(baking.nextStepAt!) - Date.now()).toBeGreaterThan(30_000);

    const aborted = await control(handle, 'abort', 'U_LEAD');
    expect(aborted.status).toBe('aborted');
    expect(await percentOf('ro-control', 'staging')).toBe(0);
    expect((await handle.result()).status).toBe('aborted');
    const rows = await stageRows('ro-control');
    expect(rows.map((r) => r.action)).toEqual(['flag.rollout.stage', 'flag.rollout.stage', 'flag.rollout.abort']);
    expect(rows[2]).toMatchObject({ actor: 'system', on_behalf_of: 'U_LEAD' });
    const controls = await h.db.pool.query(
      "SELECT actor, action FROM audit_log WHERE entity_key = 'ro-control' AND action LIKE 'rollout.%' ORDER BY seq",
    );
    expect(controls.rows).toEqual([
      { actor: 'U_DEV', action: 'rollout.pause' },
      { actor: 'U_DEV', action: 'rollout.resume' },
      { actor: 'U_DEV', action: 'rollout.promote' },
    ]);
  });

  it("checks the guardrail at the guardrail's own window and rolls back to 0 % as system when it is breached", async () => {
    errorRate = 0.01;
    await seedFlag(h, {
      key: 'ro-guarded',
      guardrails: { auto_disable: { metric: 'error_rate', threshold: 0.05, window: '1s' } },
    });
    // The flag's monitor is already running and will not check during this test: only the rollout reads the metric.
    const monitor = await monitorFirst('ro-guarded', 600_000);
    const handle = await startRollout({ flagKey: 'ro-guarded', bakeMs: 60_000 });
    const baking = await eventually(async () => {
      const s = await handle.query(rolloutStateQuery);
      return s.status === 'baking' ? s : undefined;
    });
    expect(baking.guardrail).toBe('unchecked');
    const since = Date.now();
    const seenFrom = queriedAt.length;
    await eventually(
      async () => ((await handle.query(rolloutStateQuery)).guardrail === 'ok' ? true : undefined),
      3_000,
      'a guardrail check within one 1 s window',
    );
    await new Promise((r) => setTimeout(r, 2_600));
    // One read per second of baking, not one per minute.
    const reads = queriedAt.slice(seenFrom).filter((t) => t >= since).length;
    expect(reads).toBeGreaterThanOrEqual(2);
    expect(reads).toBeLessThanOrEqual(7);

    errorRate = 0.2;
    const breachedAt = Date.now();
    const state = await handle.result();
    expect(Date.now() - breachedAt).toBeLessThan(5_000);
    expect(state.status).toBe('rolled_back');
    expect(state.guardrail).toBe('breached');
    expect(state.message).toMatch(/error_rate at 0\.2 exceeded 0\.05/);
    expect(await percentOf('ro-guarded', 'staging')).toBe(0);
    const rows = await stageRows('ro-guarded');
    expect(rows.at(-1)).toMatchObject({ action: 'flag.rollout.rollback', actor: 'system', on_behalf_of: 'U_DEV' });
    const breach = await eventually(async () => {
      const r = await h.db.pool.query(
        "SELECT event FROM outbox WHERE event->>'kind' = 'guardrail_breach' AND event->>'flagKey' = 'ro-guarded'",
      );
      return r.rows[0]?.event;
    });
    expect(breach).toMatchObject({ metric: 'error_rate', value: 0.2, threshold: 0.05, response: 'rolled_back' });
    await monitor.terminate('test over');
    errorRate = 0.01;
  });

  it("rolls back within seconds when the flag's monitor sees a breach, not at its own next check a minute later", async () => {
    errorRate = 0.01;
    // A one-minute window: the rollout itself would not read the metric for a minute.
    await seedFlag(h, {
      key: 'ro-monitored',
      guardrails: { auto_disable: { metric: 'error_rate', threshold: 0.05, window: '1m' } },
    });
    const monitor = await monitorFirst('ro-monitored', 200);
    const handle = await startRollout({ flagKey: 'ro-monitored', bakeMs: 60_000 });
    await eventually(async () => ((await handle.query(rolloutStateQuery)).status === 'baking' ? true : undefined));
    expect(await percentOf('ro-monitored', 'staging')).toBe(1);

    errorRate = 0.2;
    const breachedAt = Date.now();
    const state = await handle.result();
    // Kill, signal, roll back, notify: a few activities on a busy test machine, not the minute until the rollout's own check.
    expect(Date.now() - breachedAt).toBeLessThan(5_000);
    expect(state.status).toBe('rolled_back');
    expect(state.guardrail).toBe('breached');
    expect(state.message).toMatch(
      /error_rate at 0\.2 exceeded 0\.05: rolled back to 0 % \(its monitor killed the flag\)/,
    );
    expect(await monitor.result()).toEqual({ outcome: 'killed', value: 0.2 });
    const flag = (await getFlag(h.db.pool, 'ro-monitored'))!.document;
    expect(flag.environments.staging?.killed).toBe(true);
    expect(currentPercent(flag, 'staging', 'on')).toBe(0);
    expect((await stageRows('ro-monitored')).map((r) => r.action)).toEqual([
      'flag.rollout.stage',
      'flag.rollout.rollback',
    ]);
    errorRate = 0.01;
  });

  it('a rollout started on a guarded flag is watched by its monitor from the start', async () => {
    await seedFlag(h, {
      key: 'ro-watched',
      guardrails: { auto_disable: { metric: 'error_rate', threshold: 0.05, window: '1m' } },
    });
    const monitor = h.client.workflow.getHandle<typeof guardrailMonitorWorkflow>(
      workflowIds.guardrail('ro-watched', 'staging'),
    );
    await expect(monitor.describe()).rejects.toThrow(/not found/i);
    const request = await startChangeRequest(
      h.client,
      {
        requestId: randomUUID(),
        requester: 'U_DEV',
        command: { name: 'flag.rollout', key: 'ro-watched', variation: 'on', env: 'staging', bakeMs: 60_000 },
        replyTo: { transport: 'console', user: 'U_DEV' },
      },
      h.taskQueue,
    );
    expect((await request.result()).status).toBe('applied');
    const rollout = h.client.workflow.getHandle<typeof rolloutWorkflow>(workflowIds.rollout('ro-watched', 'staging'));
    await eventually(async () => ((await rollout.query(rolloutStateQuery)).status === 'baking' ? true : undefined));
    const described = await monitor.describe();
    expect(described.status.name).toBe('RUNNING');
    expect(described.type).toBe('guardrailMonitorWorkflow');
    // Other environments were not rolled out, so nothing watches them yet.
    await expect(
      h.client.workflow.getHandle(workflowIds.guardrail('ro-watched', 'production')).describe(),
    ).rejects.toThrow(/not found/i);
    expect((await control(rollout, 'abort')).status).toBe('aborted');
    await monitor.terminate('test over');
  });

  it('rolls out cohort by cohort through tenant overrides', async () => {
    await seedFlag(h, { key: 'ro-cohorts' });
    await h.db.pool.query(
      "INSERT INTO tenants (id, name) VALUES ('t-beta1', 'B1'), ('t-beta2', 'B2'), ('t-std1', 'S1')",
    );
    await h.db.pool.query("INSERT INTO cohorts (name) VALUES ('beta'), ('standard')");
    await h.db.pool.query(
      "INSERT INTO cohort_members (cohort, tenant_id) VALUES ('beta', 't-beta1'), ('beta', 't-beta2'), ('standard', 't-std1')",
    );
    const handle = await startRollout({ flagKey: 'ro-cohorts', cohorts: ['beta', 'standard'], bakeMs: 60_000 });
    const first = await eventually(async () => {
      const s = await handle.query(rolloutStateQuery);
      return s.status === 'baking' ? s : undefined;
    });
    expect(first.stages).toEqual(['beta', 'standard']);
    const overrides = async () =>
      (await getFlag(h.db.pool, 'ro-cohorts'))!.document.environments.staging?.tenantOverrides;
    expect(await overrides()).toEqual({ 't-beta1': 'on', 't-beta2': 'on' });
    expect((await control(handle, 'promote')).stageIndex).toBe(1);
    await eventually(async () => ((await handle.query(rolloutStateQuery)).status === 'completed' ? true : undefined));
    expect(await overrides()).toEqual({ 't-beta1': 'on', 't-beta2': 'on', 't-std1': 'on' });
  });

  it('refuses a control from someone without a role for it, at once and with the reason', async () => {
    await seedFlag(h, { key: 'ro-stranger' });
    const handle = await startRollout({ flagKey: 'ro-stranger', bakeMs: 60_000 });
    await eventually(async () => ((await handle.query(rolloutStateQuery)).status === 'baking' ? true : undefined));
    expect(await refusalOf(control(handle, 'abort', 'U_STRANGER'))).toMatch(/U_STRANGER has no Switchyard role/);
    expect((await handle.query(rolloutStateQuery)).status).toBe('baking');
    expect((await control(handle, 'abort')).status).toBe('aborted');
    expect((await handle.result()).status).toBe('aborted');
  });

  it('refuses an unknown cohort by name', async () => {
    await seedFlag(h, { key: 'ro-nocohort' });
    const handle = await startRollout({ flagKey: 'ro-nocohort', cohorts: ['gold'], bakeMs: 1_000 });
    const failure = await handle.result().catch((e: { cause?: { cause?: { message?: string } } }) => e);
    expect(failure).toMatchObject({
      cause: { cause: { message: 'unknown cohort(s): gold (create one with /cohort create gold; see /cohort list)' } },
    });
    expect((await handle.describe()).status.name).toBe('FAILED');
  });
});
