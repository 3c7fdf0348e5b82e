import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMissingGuardrailMonitors } from '../cli/guardrail-monitors.js';
import { importEntries } from '../cli/import-command.js';
import { createLogger } from '../storage/logger.js';
import { getFlag } from '../storage/flags.js';
import { seedFlag, startTemporalHarness, testFlagDocument, type TemporalHarness } from '../test/temporal.js';
import { staleFlagsWorkflow } from './stale-flags.js';
import { workflowIds } from './contracts.js';
import { ensureStaleFlagsSchedule, startGuardrailMonitor } from '../bot/workflow-starters.js';

let h: TemporalHarness;
let prometheus: Server;
const queries: string[] = [];
/** Per PromQL query: whether this read is a breach (default: the fixed answers below). */
const breachAfter = new Map<string, () => boolean>();

beforeAll(async () => {
  h = await startTemporalHarness();
  prometheus = createServer((req, res) => {
    const query = new URL(req.url!, 'http://x').searchParams.get('query')!;
    queries.push(query);
    const breach = breachAfter.get(query)?.() ?? (query.includes('checkout_errors') || query.includes('env="staging"'));
    const value = breach ? '12' : '0.5';
    res.setHeader('content-type', 'application/json');
    res.end(
      JSON.stringify({
        status: 'success',
        data: { resultType: 'vector', result: [{ metric: {}, value: [Date.now() / 1000, value] }] },
      }),
    );
  });
  await new Promise<void>((resolve) => prometheus.listen(0, '127.0.0.1', resolve));
  h.settings.PROMETHEUS_URL = `http://127.0.0.1:${(prometheus.address() as AddressInfo).port}`;
});
afterAll(async () => {
  prometheus?.close();
  await h?.close();
});

describe('guardrail monitor', () => {
  it('kills the flag as system when the metric crosses the threshold, and says so', async () => {
    await seedFlag(h, {
      key: 'gm-checkout',
      guardrails: { auto_disable: { metric: 'checkout_errors', threshold: 5, window: '5m' } },
    });
    const handle = await startGuardrailMonitor(
      h.client,
      { flagKey: 'gm-checkout', env: 'production', checkEveryMs: 200 },
      h.taskQueue,
    );
    expect(await handle.result()).toEqual({ outcome: 'killed', value: 12 });
    expect(queries).toContain('sum(rate(checkout_errors[5m]))');
    expect((await getFlag(h.db.pool, 'gm-checkout'))?.document.environments.production?.killed).toBe(true);
    const audit = await h.db.pool.query(
      "SELECT actor, on_behalf_of, reason FROM audit_log WHERE entity_key = 'gm-checkout' AND action = 'flag.auto-disable'",
    );
    expect(audit.rows).toEqual([
      { actor: 'system', on_behalf_of: 'guardrail', reason: 'guardrail checkout_errors at 12 exceeded 5' },
    ]);
    const told = await h.db.pool.query(
      "SELECT event FROM outbox WHERE event->>'kind' = 'guardrail_breach' AND event->>'flagKey' = 'gm-checkout'",
    );
    expect(told.rows[0].event).toMatchObject({ response: 'killed', value: 12, threshold: 5 });
  });

  it('fills the monitored environment into an operator-supplied PromQL template', async () => {
    h.settings.GUARDRAIL_PROMQL = { env_errors: 'sum(rate(errors_total{env="{env}"}[{window}]))' };
    await seedFlag(h, {
      key: 'gm-env',
      guardrails: { auto_disable: { metric: 'env_errors', threshold: 5, window: '1m' } },
    });
    const handle = await startGuardrailMonitor(
      h.client,
      { flagKey: 'gm-env', env: 'staging', checkEveryMs: 200 },
      h.taskQueue,
    );
    expect(await handle.result()).toEqual({ outcome: 'killed', value: 12 });
    expect(queries).toContain('sum(rate(errors_total{env="staging"}[1m]))');
    const flag = (await getFlag(h.db.pool, 'gm-env'))!.document;
    expect(flag.environments.staging?.killed).toBe(true);
    expect(flag.environments.production?.killed ?? false).toBe(false);
  });

  it("keeps watching across continue-as-new runs and kills once, with the chain's one change id", async () => {
    let checks = 0;
    h.settings.GUARDRAIL_PROMQL = { ...h.settings.GUARDRAIL_PROMQL, chained_errors: 'chained_errors' };
    breachAfter.set('chained_errors', () => ++checks > 5);
    await seedFlag(h, {
      key: 'gm-chain',
      guardrails: { auto_disable: { metric: 'chained_errors', threshold: 5, window: '1m' } },
    });
    const handle = await startGuardrailMonitor(
      h.client,
      { flagKey: 'gm-chain', env: 'production', checkEveryMs: 100, checksPerRun: 2 },
      h.taskQueue,
    );
    const first = (await handle.describe()).runId;
    expect(await h.client.workflow.getHandle(handle.workflowId).result()).toEqual({ outcome: 'killed', value: 12 });
    // Three runs at least: two checks each before the sixth check breached.
    const last = await h.client.workflow.getHandle(handle.workflowId).describe();
    expect(last.runId).not.toBe(first);
    const audit = await h.db.pool.query(
      "SELECT change_id FROM audit_log WHERE entity_key = 'gm-chain' AND action = 'flag.auto-disable'",
    );
    expect(audit.rows).toEqual([{ change_id: `${handle.workflowId}:${first}:kill` }]);
  });

  it('stops when the flag has no guardrail to watch', async () => {
    await seedFlag(h, { key: 'gm-plain' });
    const handle = await startGuardrailMonitor(
      h.client,
      { flagKey: 'gm-plain', env: 'production', checkEveryMs: 200 },
      h.taskQueue,
    );
    expect(await handle.result()).toEqual({ outcome: 'no_guardrail' });
  });
});

describe('guardrail monitors at worker start', () => {
  it('watches every guarded flag in each environment where it is not killed, and leaves running monitors alone', async () => {
    const guard = { auto_disable: { metric: 'boot_errors', threshold: 1, window: '5m' } };
    await seedFlag(h, { key: 'gm-boot', guardrails: guard });
    await seedFlag(h, { key: 'gm-boot-killed', guardrails: guard, environments: { production: { killed: true } } });
    await seedFlag(h, { key: 'gm-boot-plain' });
    const options = {
      taskQueue: h.taskQueue,
      environments: ['dev', 'staging', 'production'],
      log: createLogger('silent'),
    };
    const monitor = (key: string, env: string) => h.client.workflow.getHandle(workflowIds.guardrail(key, env));

    await startMissingGuardrailMonitors(h.client, h.db.pool, options);
    const first = await monitor('gm-boot', 'production').describe();
    expect(first.status.name).toBe('RUNNING');
    expect((await monitor('gm-boot', 'dev').describe()).status.name).toBe('RUNNING');
    expect((await monitor('gm-boot-killed', 'staging').describe()).status.name).toBe('RUNNING');
    await expect(monitor('gm-boot-killed', 'production').describe()).rejects.toThrow(/not found/i);
    await expect(monitor('gm-boot-plain', 'production').describe()).rejects.toThrow(/not found/i);

    await startMissingGuardrailMonitors(h.client, h.db.pool, options);
    expect((await monitor('gm-boot', 'production').describe()).runId).toBe(first.runId);
    for (const [key, env] of [
      ['gm-boot', 'dev'],
      ['gm-boot', 'staging'],
      ['gm-boot', 'production'],
      ['gm-boot-killed', 'dev'],
      ['gm-boot-killed', 'staging'],
    ] as const) {
      await monitor(key, env).terminate('test over');
    }
  });
});

describe('guardrail monitors after an import', () => {
  it('watches a guarded flag brought in by `switchyard import` from that moment, in every environment', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'switchyard-import-'));
    const flag = testFlagDocument({
      key: 'gm-imported',
      description: 'arrives by import',
      guardrails: { auto_disable: { metric: 'import_errors', threshold: 5, window: '5m' } },
    });
    await writeFile(join(dir, 'gm-imported.json'), JSON.stringify(flag));
    const log = createLogger('silent');
    const environments = ['dev', 'staging', 'production'];
    const monitor = (env: string) => h.client.workflow.getHandle(workflowIds.guardrail('gm-imported', env));
    try {
      const report = await importEntries({ pool: h.db.pool, redis: h.redis, keys: h.keys, log }, dir, {
        actor: 'cli:test',
        monitors: { client: h.client, taskQueue: h.taskQueue, environments, log },
      });
      expect(report.applied).toBe(1);
      for (const env of environments) expect((await monitor(env).describe()).status.name).toBe('RUNNING');
    } finally {
      await rm(dir, { recursive: true, force: true });
      for (const env of environments)
        await monitor(env)
          .terminate('test over')
          .catch(() => undefined);
    }
  });
});

describe('stale flags', () => {
  it('lists release flags past their expiry and leaves fresh ones and ops flags out', async () => {
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    await seedFlag(h, { key: 'sf-expired', expiry: yesterday });
    await seedFlag(h, { key: 'sf-fresh' });
    await seedFlag(h, { key: 'sf-ops', kind: 'ops', expiry: undefined, default: 'on' });
    const result = await h.client.workflow.execute(staleFlagsWorkflow, {
      workflowId: `stale-${Date.now()}`,
      taskQueue: h.taskQueue,
      args: [{}],
    });
    expect(result.count).toBe(1);
    const { rows } = await h.db.pool.query("SELECT event FROM outbox WHERE event->>'kind' = 'stale_flags'");
    expect(rows[0].event.flags).toEqual([
      expect.objectContaining({ key: 'sf-expired', why: 'expired', owner: 'team-test' }),
    ]);
  });

  it('creates the daily schedule once, however often it is ensured', async () => {
    const first = await ensureStaleFlagsSchedule(h.client, { taskQueue: h.taskQueue });
    const second = await ensureStaleFlagsSchedule(h.client, { taskQueue: h.taskQueue });
    expect([first.created, second.created]).toEqual([true, false]);
    const described = await h.client.schedule.getHandle(first.scheduleId).describe();
    expect(described.action).toMatchObject({
      type: 'startWorkflow',
      workflowType: 'staleFlagsWorkflow',
      taskQueue: h.taskQueue,
    });
    expect(described.spec.calendars?.[0]).toMatchObject({ hour: [{ start: 9, end: 9, step: 1 }] });
  });
});
