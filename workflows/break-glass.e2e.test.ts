import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getFlag } from '../storage/flags.js';
import { eventually, grantRole, seedFlag, startTemporalHarness, type TemporalHarness } from '../test/temporal.js';
import { breakGlassWorkflow } from './break-glass.js';
import { breakGlassStateQuery, reviewUpdate, workflowIds } from './contracts.js';
import { startChangeRequest } from '../bot/workflow-starters.js';

let h: TemporalHarness;
let webhook: Server;
const tickets: Array<Record<string, unknown>> = [];

beforeAll(async () => {
  h = await startTemporalHarness();
  // Only someone on call in an environment breaks glass there; the review is an operator's of that environment.
  await grantRole(h, 'U_ONCALL', 'operator');
  await grantRole(h, 'U_ONCALL', 'oncall', { env: 'production' });
  await grantRole(h, 'U_REVIEWER', 'operator');
  await grantRole(h, 'U_STAGING_OPS', 'operator', { env: 'staging' });
  await grantRole(h, 'U_ADMIN', 'admin', { tenant: 'acme' });
  await grantRole(h, 'U_OFF_CALL', 'operator', { env: 'production' });
  await grantRole(h, 'U_LAPSED', 'operator', { env: 'production' });
  await grantRole(h, 'U_LAPSED', 'oncall', { env: 'production', until: new Date(Date.now() - 60_000).toISOString() });
  await grantRole(h, 'U_DEV', 'developer');
  // The ticketing bridge behind INCIDENT_WEBHOOK_URL.
  webhook = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      tickets.push(JSON.parse(body) as Record<string, unknown>);
      res.statusCode = 201;
      res.end();
    });
  });
  await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
  h.settings.INCIDENT_WEBHOOK_URL = `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/incidents`;
});
afterAll(async () => {
  webhook?.close();
  await h?.close();
});

async function outboxKinds(requestId: string): Promise<string[]> {
  const { rows } = await h.db.pool.query<{ kind: string }>(
    "SELECT event->>'kind' AS kind FROM outbox WHERE event->>'requestId' = $1 ORDER BY id",
    [requestId],
  );
  return rows.map((r) => r.kind);
}

describe('break-glass workflow', () => {
  it('applies at once, opens an incident, reminds, escalates at the deadline and closes on review by someone else', async () => {
    await seedFlag(h, { key: 'bg-payments', kind: 'ops', expiry: undefined, default: 'on' });
    const requestId = randomUUID();
    const request = await startChangeRequest(
      h.client,
      {
        requestId,
        requester: 'U_ONCALL',
        command: {
          name: 'flag.break-glass',
          key: 'bg-payments',
          serve: 'off',
          env: 'production',
          reason: 'INC-42 payments failing',
        },
        reason: 'INC-42 payments failing',
        replyTo: { transport: 'console', user: 'U_ONCALL' },
        breakGlass: { reviewDueMs: 3_000, remindBeforeMs: [2_000, 1_000] },
      },
      h.taskQueue,
    );
    expect((await request.result()).classification).toBe('emergency');
    const handle = h.client.workflow.getHandle<typeof breakGlassWorkflow>(workflowIds.breakGlass(requestId));

    const open = await eventually(async () => {
      const s = await handle.query(breakGlassStateQuery);
      return s.status === 'awaiting_review' ? s : undefined;
    });
    expect((await getFlag(h.db.pool, 'bg-payments'))?.document.environments.production?.serve).toEqual({
      serve: 'off',
    });
    const incident = await h.db.pool.query('SELECT id, actor, reason FROM incidents WHERE request_id = $1', [
      requestId,
    ]);
    expect(incident.rows).toEqual([{ id: expect.any(Number), actor: 'U_ONCALL', reason: 'INC-42 payments failing' }]);
    expect(open.incidentId).toBe(`INC-${incident.rows[0].id}`);
    await eventually(async () => (tickets.some((t) => t.incidentId === open.incidentId) ? true : undefined));

    const escalated = await eventually(async () => {
      const s = await handle.query(breakGlassStateQuery);
      return s.status === 'escalated' ? s : undefined;
    }, 10_000);
    expect(escalated.remindersSent).toBe(2);
    await eventually(async () => ((await outboxKinds(requestId)).includes('review_escalation') ? true : undefined));
    expect(await outboxKinds(requestId)).toEqual([
      'incident_opened',
      'review_reminder',
      'review_reminder',
      'review_escalation',
    ]);

    const own = await handle.executeUpdate(reviewUpdate, { args: [{ user: 'U_ONCALL' }] }).catch((e: unknown) => e);
    expect(own).toBeInstanceOf(WorkflowUpdateFailedError);
    expect((own as WorkflowUpdateFailedError).cause?.message).toBe(
      'you made this break-glass change; someone else must review it',
    );

    // The review is an operator's of the environment it changed: not a tenant's admin, not an operator elsewhere.
    for (const [user, holds] of [
      ['U_ADMIN', 'admin (all environments, tenant acme)'],
      ['U_STAGING_OPS', 'operator (staging)'],
    ]) {
      const refused = await handle.executeUpdate(reviewUpdate, { args: [{ user: user! }] }).catch((e: unknown) => e);
      expect((refused as WorkflowUpdateFailedError).cause?.message).toBe(
        `a review of break-glass in production must come from an operator of production other than U_ONCALL (${user} holds ${holds})`,
      );
    }

    const reviewed = await handle.executeUpdate(reviewUpdate, { args: [{ user: 'U_REVIEWER', reason: 'right call' }] });
    expect(reviewed.status).toBe('reviewed');
    expect(reviewed.reviewedBy).toBe('U_REVIEWER');
    await handle.result();
    const closed = await h.db.pool.query('SELECT reviewed_by FROM incidents WHERE request_id = $1', [requestId]);
    expect(closed.rows[0].reviewed_by).toBe('U_REVIEWER');
    const audit = await h.db.pool.query<{ actor: string; action: string }>(
      'SELECT actor, action FROM audit_log WHERE request_id = $1 ORDER BY seq',
      [requestId],
    );
    expect(audit.rows).toEqual([
      { actor: 'U_ONCALL', action: 'flag.break-glass' },
      { actor: 'U_REVIEWER', action: 'break-glass.review' },
    ]);
    expect(await outboxKinds(requestId)).toContain('review_done');
  });

  it.each([
    ['U_OFF_CALL', 'an operator there who is not on call'],
    ['U_LAPSED', 'someone whose on-call binding has ended'],
  ])('refuses break-glass from %s (%s), naming /oncall list', async (user) => {
    const key = `bg-${user.toLowerCase().replace('_', '-')}`;
    await seedFlag(h, { key, kind: 'ops', expiry: undefined, default: 'on' });
    const request = await startChangeRequest(
      h.client,
      {
        requestId: randomUUID(),
        requester: user,
        command: { name: 'flag.break-glass', key, serve: 'off', env: 'production', reason: 'panic' },
        reason: 'panic',
        replyTo: { transport: 'console', user },
      },
      h.taskQueue,
    );
    const state = await request.result();
    expect(state.status).toBe('refused');
    expect(state.message).toContain(
      `${user} may not flag.break-glass ${key} in production: as operator: break-glass needs someone on call in production (see /oncall list)`,
    );
    expect((await getFlag(h.db.pool, key))?.version).toBe(1);
  });

  it('refuses break-glass from a developer, who is not on call there', async () => {
    await seedFlag(h, { key: 'bg-denied', kind: 'ops', expiry: undefined, default: 'on' });
    const request = await startChangeRequest(
      h.client,
      {
        requestId: randomUUID(),
        requester: 'U_DEV',
        command: { name: 'flag.break-glass', key: 'bg-denied', serve: 'off', env: 'production', reason: 'panic' },
        reason: 'panic',
        replyTo: { transport: 'console', user: 'U_DEV' },
      },
      h.taskQueue,
    );
    const state = await request.result();
    expect(state.status).toBe('refused');
    expect(state.message).toMatch(/U_DEV may not flag\.break-glass bg-denied in production/);
    expect((await getFlag(h.db.pool, 'bg-denied'))?.version).toBe(1);
  });
});
