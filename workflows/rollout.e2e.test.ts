import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentPercent } from '../core/operations/flag-operations.js';
import { getFlag } from '../storage/flags.js';
import { startHarnessEvaluator, type HarnessEvaluator } from '../test/harness-evaluator.js';
import { eventually, grantRole, seedFlag, startTemporalHarness, type TemporalHarness } from '../test/temporal.js';
import { abortSignal, pauseSignal, promoteSignal, resumeSignal, rolloutStateQuery, workflowIds, type RolloutInput } from './contracts.js';
import { rolloutWorkflow } from './rollout.js';
import { controlRollout, startChangeRequest } from './starters.js';

let h: TemporalHarness;
let served: HarnessEvaluator;
let prometheus: Server;
let errorRate = 0.01;

beforeAll(async () => {
  h = await startTemporalHarness();
  served = await startHarnessEvaluator(h, ['staging']);
  await grantRole(h, 'U_DEV', 'developer');
  await grantRole(h, 'U_LEAD', 'operator');
  // A tiny stand-in for Prometheus' instant-query API, answering whatever the test sets.
  prometheus = createServer((req, res) => {
    const query = new URL(req.url!, 'http://x').searchParams.get('query');
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [{ metric: { query }, value: [Date.now() / 1000, String(errorRate)] }] } }));
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
    args: [{ rolloutId: randomUUID(), env: 'staging', variation: 'on', bakeMs: 1_000, requester: 'U_DEV', replyTo: { transport: 'console', user: 'U_DEV' }, ...input }],
  });
}

describe('rollout workflow', () => {
  it('walks 1 → 5 → 25 → 50 → 100 % with a bake between stages, one audit row per stage, as system for the requester', async () => {
    await seedFlag(h, { key: 'ro-walk' });
    const request = await startChangeRequest(
      h.client,
      { requestId: randomUUID(), requester: 'U_DEV', command: { name: 'flag.rollout', key: 'ro-walk', variation: 'on', env: 'staging', bakeMs: 1_000 }, replyTo: { transport: 'console', user: 'U_DEV' } },
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
      await eventually(async () => (served.evaluator.store.status().versions.staging === version ? true : undefined), 2_000, `the evaluator at version ${version}`);
      const held = served.evaluator.store.get('staging')!.compiled;
      const on = new Set(users.filter((u) => {
        const result = held.evaluate('ro-walk', { targetingKey: u, env: 'staging' });
        return result.ok && result.value === true;
      }));
      expect(Math.abs((on.size / users.length) * 100 - expected)).toBeLessThanOrEqual(1.5);
      expect([...servedOn].filter((u) => !on.has(u))).toEqual([]);
      servedOn = on;
      // …and HTTP serves what the evaluator holds.
      const sample = users.find((u) => on.has(u))!;
      expect((await served.ofrep('staging', 'ro-walk', { targetingKey: sample })).body).toMatchObject({ value: true, reason: 'SPLIT' });
    }
    const final = await rollout.result();
    expect(final.status).toBe('completed');
    const rows = await stageRows('ro-walk');
    expect(rows).toHaveLength(5);
    expect(new Set(rows.map((r) => r.change_id)).size).toBe(5);
    expect(rows.every((r) => r.action === 'flag.rollout.stage' && r.actor === 'system' && r.on_behalf_of === 'U_DEV')).toBe(true);
  });

  it('pause holds it, promote skips the bake, abort rolls back to 0 %', async () => {
    await seedFlag(h, { key: 'ro-control' });
    const handle = await startRollout({ flagKey: 'ro-control', bakeMs: 60_000 });
    await eventually(async () => ((await handle.query(rolloutStateQuery)).status === 'baking' ? true : undefined));
    await controlRollout(h.client, { flagKey: 'ro-control', env: 'staging', action: 'pause', user: 'U_DEV' });
    await handle.signal(promoteSignal, { user: 'U_DEV' });
    await new Promise((r) => setTimeout(r, 1_500));
    const paused = await handle.query(rolloutStateQuery);
    expect(paused.status).toBe('paused');
    expect(paused.stageIndex).toBe(0);
    expect(await percentOf('ro-control', 'staging')).toBe(1);

    await handle.signal(resumeSignal, { user: 'U_DEV' });
    const promoted = await eventually(async () => {
      const s = await handle.query(rolloutStateQuery);
      return s.stageIndex === 1 && s.status === 'baking' ? s : undefined;
    });
    expect(Date.parse(promoted.nextStepAt!) - Date.now()).toBeGreaterThan(30_000);
    expect(await percentOf('ro-control', 'staging')).toBe(5);

    await handle.signal(abortSignal, { user: 'U_LEAD' });
    const aborted = await handle.result();
    expect(aborted.status).toBe('aborted');
    expect(await percentOf('ro-control', 'staging')).toBe(0);
    const rows = await stageRows('ro-control');
    expect(rows.map((r) => r.action)).toEqual(['flag.rollout.stage', 'flag.rollout.stage', 'flag.rollout.abort']);
    expect(rows[2]).toMatchObject({ actor: 'system', on_behalf_of: 'U_LEAD' });
    const controls = await h.db.pool.query("SELECT actor, action FROM audit_log WHERE entity_key = 'ro-control' AND action LIKE 'rollout.%' ORDER BY seq");
    expect(controls.rows).toEqual([
      { actor: 'U_DEV', action: 'rollout.pause' },
      { actor: 'U_DEV', action: 'rollout.promote' },
      { actor: 'U_DEV', action: 'rollout.resume' },
    ]);
  });

  it('rolls back to 0 % as system when a guardrail is breached during a bake', async () => {
    errorRate = 0.01;
    await seedFlag(h, { key: 'ro-guarded', guardrails: { auto_disable: { metric: 'error_rate', threshold: 0.05, window: '1m' } } });
    const handle = await startRollout({ flagKey: 'ro-guarded', bakeMs: 1_000, guardrailIntervalMs: 200 });
    await eventually(async () => ((await handle.query(rolloutStateQuery)).stageIndex === 1 ? true : undefined));
    expect((await handle.query(rolloutStateQuery)).guardrail).toBe('ok');
    errorRate = 0.2;
    const state = await handle.result();
    expect(state.status).toBe('rolled_back');
    expect(state.guardrail).toBe('breached');
    expect(state.message).toMatch(/error_rate at 0\.2 exceeded 0\.05/);
    expect(await percentOf('ro-guarded', 'staging')).toBe(0);
    const rows = await stageRows('ro-guarded');
    expect(rows.at(-1)).toMatchObject({ action: 'flag.rollout.rollback', actor: 'system', on_behalf_of: 'U_DEV' });
    const breach = await eventually(async () => {
      const r = await h.db.pool.query("SELECT event FROM outbox WHERE event->>'kind' = 'guardrail_breach' AND event->>'flagKey' = 'ro-guarded'");
      return r.rows[0]?.event;
    });
    expect(breach).toMatchObject({ metric: 'error_rate', value: 0.2, threshold: 0.05, response: 'rolled_back' });
  });

  it('rolls out cohort by cohort through tenant overrides', async () => {
    await seedFlag(h, { key: 'ro-cohorts' });
    await h.db.pool.query("INSERT INTO tenants (id, name) VALUES ('t-beta1', 'B1'), ('t-beta2', 'B2'), ('t-std1', 'S1')");
    await h.db.pool.query("INSERT INTO cohorts (name) VALUES ('beta'), ('standard')");
    await h.db.pool.query("INSERT INTO cohort_members (cohort, tenant_id) VALUES ('beta', 't-beta1'), ('beta', 't-beta2'), ('standard', 't-std1')");
    const handle = await startRollout({ flagKey: 'ro-cohorts', cohorts: ['beta', 'standard'], bakeMs: 60_000 });
    const first = await eventually(async () => {
      const s = await handle.query(rolloutStateQuery);
      return s.status === 'baking' ? s : undefined;
    });
    expect(first.stages).toEqual(['beta', 'standard']);
    const overrides = async () => (await getFlag(h.db.pool, 'ro-cohorts'))!.document.environments.staging?.tenantOverrides;
    expect(await overrides()).toEqual({ 't-beta1': 'on', 't-beta2': 'on' });
    await handle.signal(promoteSignal, { user: 'U_DEV' });
    await eventually(async () => ((await handle.query(rolloutStateQuery)).status === 'completed' ? true : undefined));
    expect(await overrides()).toEqual({ 't-beta1': 'on', 't-beta2': 'on', 't-std1': 'on' });
  });

  it('ignores a control from someone without a role for it, and tells them why', async () => {
    await seedFlag(h, { key: 'ro-stranger' });
    const handle = await startRollout({ flagKey: 'ro-stranger', bakeMs: 60_000 });
    await eventually(async () => ((await handle.query(rolloutStateQuery)).status === 'baking' ? true : undefined));
    await handle.signal(abortSignal, { user: 'U_STRANGER' });
    const told = await eventually(async () => {
      const r = await h.db.pool.query("SELECT event FROM outbox WHERE event->>'kind' = 'change_refused' AND event->>'requester' = 'U_STRANGER'");
      return r.rows[0]?.event;
    });
    expect(told.message).toMatch(/U_STRANGER has no Switchyard role/);
    expect((await handle.query(rolloutStateQuery)).status).toBe('baking');
    await handle.signal(abortSignal, { user: 'U_DEV' });
    expect((await handle.result()).status).toBe('aborted');
  });

  it('refuses an unknown cohort by name', async () => {
    await seedFlag(h, { key: 'ro-nocohort' });
    const handle = await startRollout({ flagKey: 'ro-nocohort', cohorts: ['gold'], bakeMs: 1_000 });
    const failure = await handle.result().catch((e: { cause?: { cause?: { message?: string } } }) => e);
    expect(failure).toMatchObject({ cause: { cause: { message: 'unknown cohort(s): gold' } } });
    expect((await handle.describe()).status.name).toBe('FAILED');
  });
});
