import { TEST_POLICY } from '../test/policy.js';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SlashCommand } from '../core/command/usage.js';
import { ACTION } from '../render/action-ids.js';
import type { Block } from '../render/blocks.js';
import { getFlag } from '../storage/flags.js';
import { createLogger } from '../storage/logger.js';
import { readOutbox } from '../storage/outbox.js';
import { grantRole } from '../storage/role-bindings.js';
import { eventually, seedFlag, startTemporalHarness, type TemporalHarness } from '../test/temporal.js';
import { workflowIds } from '../workflows/contracts.js';
import { guardrailMonitorWorkflow } from '../workflows/guardrail-monitor.js';
import { createCommandHandler, type CommandHandler } from './command-handler.js';
import { guardrailReadings } from './guardrail-readings.js';

const log = createLogger('silent');
const environments = ['dev', 'staging', 'production'];
let h: TemporalHarness;
let handler: CommandHandler;

beforeAll(async () => {
  h = await startTemporalHarness();
  const deps = { pool: h.db.pool, log, policy: TEST_POLICY };
  // Operators everywhere: a guardrail is a field of the whole flag, so it touches every environment.
  await grantRole(deps, { subject: 'U_OPS1', role: 'operator', actor: 'test-setup' });
  await grantRole(deps, { subject: 'U_OPS2', role: 'operator', actor: 'test-setup' });
  // Break-glass is on call's: U_OPS1 breaks glass in production, U_OPS2 (an operator there) reviews.
  await grantRole(deps, { subject: 'U_OPS1', role: 'oncall', env: 'production', actor: 'test-setup' });
  await grantRole(deps, { subject: 'U_DEV', role: 'developer', actor: 'test-setup' });
  // Incidents are production's here: reading them takes a role that covers production.
  await grantRole(deps, { subject: 'U_DEV', role: 'viewer', env: 'production', actor: 'test-setup' });
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
  await h?.close();
});

const command = (user: string, slash: SlashCommand, text: string, requestId = randomUUID()) =>
  handler.handleCommand({
    transport: 'console',
    user,
    command: slash,
    text,
    requestId,
    replyTo: { transport: 'console', user },
  });
const buttons = (blocks: Block[]) =>
  blocks.flatMap((b) => (b.type === 'actions' ? b.elements.map((e) => [e.action_id, e.value]) : []));

/** Breaks glass on a new flag as U_OPS1 (on call in production) and returns its incident, as the incident notification names it. */
async function breakGlass(key: string): Promise<{ incidentId: string; requestId: string }> {
  await seedFlag(h, { key });
  const reply = await command('U_OPS1', '/flag', `break-glass ${key} on --env production --reason "outage on ${key}"`);
  expect(reply.text).toMatch(/applied/);
  const row = await eventually(async () =>
    (await readOutbox(h.db.pool)).find((r) => r.event.kind === 'incident_opened' && r.event.summary.includes(key)),
  );
  return row.event as unknown as { incidentId: string; requestId: string };
}

describe('/flag guardrail from chat', () => {
  it('refuses a metric without a PromQL template, naming the metrics there are', async () => {
    await seedFlag(h, { key: 'gr-typo' });
    const reply = await command(
      'U_OPS1',
      '/flag',
      'guardrail set gr-typo --metric error_ratio --threshold 0.05 --window 5m --reason "protect checkout"',
    );
    expect(reply.ok).toBe(true);
    expect(reply.text).toMatch(
      /no PromQL template for guardrail metric `error_ratio` \(known metrics: one of error_rate, latency_p99\)/,
    );
    expect((await getFlag(h.db.pool, 'gr-typo'))?.document.guardrails).toBeUndefined();
  });

  it('sets a guardrail through a change request judged on every environment, then watches it in each', async () => {
    await seedFlag(h, { key: 'gr-checkout' });
    const requestId = randomUUID();
    const requested = await command(
      'U_OPS1',
      '/flag',
      'guardrail set gr-checkout --metric error_rate --threshold 0.05 --window 5m --reason "protect checkout"',
      requestId,
    );
    expect(requested.text).toMatch(/awaiting approval/);
    expect(JSON.stringify(requested.blocks)).toMatch(/no guardrail → auto-disable when error_rate > 0.05 over 5m/);
    expect((await getFlag(h.db.pool, 'gr-checkout'))?.document.guardrails).toBeUndefined();

    const approved = await command('U_OPS2', '/change', `approve ${requestId}`);
    expect(approved.text).toMatch(/applied/);
    expect((await getFlag(h.db.pool, 'gr-checkout'))?.document.guardrails).toEqual({
      auto_disable: { metric: 'error_rate', threshold: 0.05, window: '5m' },
    });
    for (const env of environments) {
      const monitor = await eventually(
        async () => {
          const described = await h.client.workflow.getHandle(workflowIds.guardrail('gr-checkout', env)).describe();
          return described.status.name === 'RUNNING' ? described : undefined;
        },
        15_000,
        `the guardrail monitor of gr-checkout in ${env}`,
      );
      expect(monitor.type).toBe('guardrailMonitorWorkflow');
    }

    const removal = randomUUID();
    expect(
      (await command('U_OPS1', '/flag', 'guardrail remove gr-checkout --reason "replaced by an SLO alert"', removal))
        .text,
    ).toMatch(/awaiting approval/);
    expect((await command('U_OPS2', '/change', `approve ${removal}`)).text).toMatch(/applied/);
    expect((await getFlag(h.db.pool, 'gr-checkout'))?.document.guardrails).toBeUndefined();
  });

  it("keeps the last reading of each environment's monitor for /flag show", async () => {
    // Prometheus as the monitor queries it: an instant vector of one sample.
    const prometheus = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          status: 'success',
          data: { resultType: 'vector', result: [{ value: [Date.now() / 1000, '0.012'] }] },
        }),
      );
    });
    await new Promise<void>((resolve) => prometheus.listen(0, '127.0.0.1', resolve));
    h.settings.PROMETHEUS_URL = `http://127.0.0.1:${(prometheus.address() as AddressInfo).port}`;
    try {
      await seedFlag(h, {
        key: 'gr-reading',
        guardrails: { auto_disable: { metric: 'error_rate', threshold: 0.05, window: '5m' } },
      });
      const monitor = await h.client.workflow.start(guardrailMonitorWorkflow, {
        workflowId: workflowIds.guardrail('gr-reading', 'staging'),
        taskQueue: h.taskQueue,
        args: [{ flagKey: 'gr-reading', env: 'staging', checkEveryMs: 200 }],
      });
      const readings = await eventually(
        async () => {
          const r = await guardrailReadings(h.client, 'gr-reading', environments);
          return r.has('staging') ? r : undefined;
        },
        15_000,
        'a reading of the staging monitor',
      );
      expect(readings.get('staging')).toMatchObject({
        metric: 'error_rate',
        threshold: 0.05,
        window: '5m',
        value: 0.012,
      });
      expect([...readings.keys()]).toEqual(['staging']);
      await monitor.terminate('test done');
    } finally {
      h.settings.PROMETHEUS_URL = undefined;
      prometheus.close();
    }
  });

  it('refuses a guardrail for one environment before anything is requested', async () => {
    const reply = await command(
      'U_OPS1',
      '/flag',
      'guardrail set gr-checkout --metric error_rate --threshold 0.05 --window 5m --env production',
    );
    expect(reply.ok).toBe(false);
    expect(reply.text).toMatch(/drop `--env`/);
  });
});

describe('/incident from chat', () => {
  let open: { incidentId: string; requestId: string };
  let reviewed: { incidentId: string; requestId: string };

  beforeAll(async () => {
    open = await breakGlass('inc-open');
    reviewed = await breakGlass('inc-reviewed');
  });

  it('refuses a review by the person who broke glass, by the same rule as the button', async () => {
    const self = await command('U_OPS1', '/incident', `review ${open.incidentId} --notes "all good"`);
    expect(self.ok).toBe(false);
    expect(self.text).toMatch(/someone else must review it/);
  });

  it('lets another operator review it, and the open list then shows only the unreviewed incident', async () => {
    const review = await command(
      'U_OPS2',
      '/incident',
      `review ${reviewed.incidentId} --notes "rolled back, cause known"`,
    );
    expect(review.ok).toBe(true);
    expect(review.text).toMatch(/reviewed by U_OPS2/);

    const openList = await command('U_DEV', '/incident', 'list --open');
    expect(openList.text).toMatch(/open incidents/);
    const listed = JSON.stringify(openList.blocks);
    expect(listed).toContain(`*${open.incidentId}*`);
    expect(listed).not.toContain(`*${reviewed.incidentId}*`);

    const all = JSON.stringify((await command('U_DEV', '/incident', 'list')).blocks);
    expect(all).toContain(`*${open.incidentId}*`);
    expect(all).toMatch(new RegExp(`\\*${reviewed.incidentId}\\*[^\\n]*reviewed by <@U_OPS2>`));

    const again = await command('U_OPS2', '/incident', `review ${reviewed.incidentId} --notes "twice"`);
    expect(again.ok).toBe(false);
    expect(again.text).toMatch(/already reviewed by U_OPS2/);
  });

  it('shows one incident with the Review button of its notification, and names an unknown one', async () => {
    const shown = await command('U_DEV', '/incident', `show ${open.incidentId.toLowerCase()}`);
    expect(shown.text).toContain(`${open.incidentId}: inc-open`);
    expect(buttons(shown.blocks)).toEqual([[ACTION.breakGlassReview, workflowIds.breakGlass(open.requestId)]]);
    const unknown = await command('U_DEV', '/incident', 'show INC-99999');
    expect(unknown.ok).toBe(false);
    expect(unknown.text).toMatch(/there is no incident `INC-99999` \(see \/incident list\)/);
    expect((await command('U_DEV', '/incident', 'show yesterday')).text).toMatch(/give one like INC-12/);
  });
});
