import { randomUUID } from 'node:crypto';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCommandHandler } from '../bot/command-handler.js';
import { SELF_APPROVAL_MESSAGE } from '../core/messages.js';
import { createApiToken, revokeApiToken } from '../storage/api-tokens.js';
import { createLogger } from '../storage/logger.js';
import { grantRole } from '../storage/role-bindings.js';
import { startHarnessEvaluator, type HarnessEvaluator } from '../test/harness-evaluator.js';
import { eventually, seedFlag, startTemporalHarness, type TemporalHarness } from '../test/temporal.js';
import { rolloutStateQuery, workflowIds } from '../workflows/contracts.js';
import { rolloutWorkflow } from '../workflows/rollout.js';
import { API_ROUTES } from './routes/index.js';
import { createWebApp, type WebAppDeps } from './server.js';
import { TEST_POLICY } from '../test/policy.js';

const log = createLogger('silent');
const ENVIRONMENTS = ['dev', 'staging', 'production'];
let h: TemporalHarness;
let served: HarnessEvaluator;
let app: FastifyInstance;
let deps: WebAppDeps;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  h = await startTemporalHarness();
  const store = { pool: h.db.pool, log, policy: TEST_POLICY };
  await grantRole(store, { subject: 'U_OPS1', role: 'operator', env: 'production', actor: 'test-setup' });
  await grantRole(store, { subject: 'U_OPS2', role: 'operator', env: 'production', actor: 'test-setup' });
  await grantRole(store, { subject: 'U_DEV', role: 'developer', actor: 'test-setup' });
  // Token changes are of no environment: reading their audit rows takes a viewer of every environment.
  await grantRole(store, { subject: 'U_AUDIT', role: 'viewer', actor: 'test-setup' });
  for (const principal of ['U_OPS1', 'U_OPS2', 'U_DEV', 'U_AUDIT'])
    tokens[principal] = (await createApiToken(store, { principal, name: 'api-test', actor: 'cli:test' })).token;
  served = await startHarnessEvaluator(h, ['production']);
  const handler = createCommandHandler({
    client: h.client,
    taskQueue: h.taskQueue,
    pool: h.db.pool,
    log,
    environments: ENVIRONMENTS,
    policy: TEST_POLICY,
  });
  deps = {
    client: h.client,
    taskQueue: h.taskQueue,
    pool: h.db.pool,
    log,
    environments: ENVIRONMENTS,
    policy: TEST_POLICY,
    handler,
    devLogin: true,
  };
  app = createWebApp(deps);
}, 60_000);
afterAll(async () => {
  await app?.close();
  await served?.close();
  await h?.close();
});

/** A call as `principal` (by its API token), or anonymous with `as: undefined`. */
async function call(
  as: string | undefined,
  method: 'GET' | 'POST',
  url: string,
  payload?: unknown,
  headers: Record<string, string> = {},
) {
  const options: InjectOptions = {
    method,
    url,
    headers: { ...(as ? { authorization: `Bearer ${tokens[as] ?? as}` } : {}), ...headers },
  };
  if (payload !== undefined)
    Object.assign(
      options,
      typeof payload === 'string'
        ? { payload, headers: { ...options.headers, 'content-type': 'application/json' } }
        : { payload },
    );
  const response = await app.inject(options);
  return { status: response.statusCode, body: response.json() as Record<string, any>, headers: response.headers };
}

describe('the HTTP API', () => {
  it('a risky change requested through the API waits for a second person: self-approval is a 403, a second operator applies it, OFREP serves it, the audit names both', async () => {
    await seedFlag(h, { key: 'checkout-v2' });
    const requested = await call('U_OPS1', 'POST', '/api/v1/commands', {
      text: '/flag on checkout-v2 --env production --reason "launch"',
    });
    expect(requested.status, JSON.stringify(requested.body)).toBe(200);
    expect(requested.body).toMatchObject({
      status: 'awaiting_approval',
      changeRequestId: expect.any(String),
      text: expect.stringMatching(/awaiting approval/),
    });
    expect(requested.body.riskReasons.length).toBeGreaterThan(0);
    expect(requested.body.blocks.length).toBeGreaterThan(0);
    const id = requested.body.changeRequestId as string;

    const pending = await call('U_OPS2', 'GET', '/api/v1/change-requests?status=pending');
    expect(pending.body.changeRequests.map((c: { requestId: string }) => c.requestId)).toContain(id);
    const shown = await call('U_OPS2', 'GET', `/api/v1/change-requests/${id}`);
    expect(shown.body).toMatchObject({
      requestId: id,
      status: 'awaiting_approval',
      requester: 'U_OPS1',
      classification: 'risky',
      diff: expect.stringContaining('production'),
    });

    const own = await call('U_OPS1', 'POST', `/api/v1/change-requests/${id}/approve`);
    expect(own.status).toBe(403);
    expect(own.body).toEqual({ error: { code: 'FORBIDDEN', message: expect.stringContaining(SELF_APPROVAL_MESSAGE) } });
    expect((await served.ofrep('production', 'checkout-v2', { targetingKey: 'u1' })).body.value).toBe(false);

    const approved = await call('U_OPS2', 'POST', `/api/v1/change-requests/${id}/approve`);
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body).toMatchObject({ status: 'applied', changeRequestId: id });
    await eventually(
      async () =>
        (await served.ofrep('production', 'checkout-v2', { targetingKey: 'u1' })).body.value === true
          ? true
          : undefined,
      10_000,
      'OFREP serving on',
    );

    const again = await call('U_OPS2', 'POST', `/api/v1/change-requests/${id}/approve`);
    expect(again.status).toBe(409);

    const audit = await call('U_OPS2', 'GET', '/api/v1/audit?entity=checkout-v2&actor=U_OPS1');
    expect(audit.body.entries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          action: 'flag.on',
          actor: 'U_OPS1',
          approvedBy: 'U_OPS2',
          environment: 'production',
        }),
      ]),
    );
    expect((await call('U_OPS2', 'GET', '/api/v1/audit/verify')).body).toMatchObject({ ok: true });

    const flag = await call('U_OPS2', 'GET', '/api/v1/flags/checkout-v2');
    expect(flag.body.document.environments.production.serve).toEqual({ serve: 'on' });
    const history = await call('U_OPS2', 'GET', '/api/v1/flags/checkout-v2/history');
    expect(history.body.history[0]).toMatchObject({ action: 'flag.on', actor: 'U_OPS1' });

    const revert = await call('U_OPS2', 'POST', `/api/v1/change-requests/${id}/revert`, { reason: 'roll "back" now' });
    expect(revert.status, JSON.stringify(revert.body)).toBe(200);
    expect(revert.body).toMatchObject({ status: 'awaiting_approval', changeRequestId: expect.not.stringMatching(id) });
    const rejected = await call('U_OPS1', 'POST', `/api/v1/change-requests/${revert.body.changeRequestId}/reject`, {
      reason: 'keep it on',
    });
    expect(rejected.body).toMatchObject({ status: 'rejected', reason: 'keep it on' });
  }, 40_000);

  it('refuses a call without credentials, and a browser session’s change without its CSRF header', async () => {
    const anonymous = await call(undefined, 'POST', '/api/v1/commands', { text: '/flag list' });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.code).toBe('UNAUTHENTICATED');

    const login = await call(undefined, 'GET', '/dev-login?user=U_DEV');
    const cookie = String(login.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const session = { cookie: cookie.split(';')[0]! };
    expect((await call(undefined, 'GET', '/api/v1/session', undefined, session)).body).toMatchObject({
      principal: 'U_DEV',
      via: 'session',
      csrfToken: login.body.csrfToken,
    });

    const noCsrf = await call(undefined, 'POST', '/api/v1/commands', { text: '/flag list' }, session);
    expect(noCsrf.status).toBe(403);
    expect(noCsrf.body.error.message).toMatch(/x-csrf-token/);
    const wrongCsrf = await call(
      undefined,
      'POST',
      '/api/v1/commands',
      { text: '/flag list' },
      { ...session, 'x-csrf-token': 'guess' },
    );
    expect(wrongCsrf.status).toBe(403);
    const withCsrf = await call(
      undefined,
      'POST',
      '/api/v1/commands',
      { text: '/flag list' },
      { ...session, 'x-csrf-token': login.body.csrfToken },
    );
    expect(withCsrf.body).toMatchObject({ status: 'answered' });

    const forged = await call(undefined, 'GET', '/api/v1/session', undefined, {
      cookie: `${session.cookie.slice(0, -3)}xyz`,
    });
    expect(forged.status).toBe(401);
    const notDev = createWebApp({ ...deps, devLogin: false });
    expect((await notDev.inject({ method: 'GET', url: '/dev-login?user=U_DEV' })).statusCode).toBe(403);
    await notDev.close();
  });

  it('refuses an expired or a revoked token with 401, and audits both token changes', async () => {
    const store = { pool: h.db.pool, log, policy: TEST_POLICY };
    const expired = await createApiToken(store, {
      principal: 'U_DEV',
      name: 'old',
      actor: 'cli:test',
      expiresInMs: 3_600_000,
      now: new Date(Date.now() - 7_200_000),
    });
    const revoked = await createApiToken(store, { principal: 'U_DEV', name: 'leaked', actor: 'cli:test' });
    expect((await call(revoked.token, 'GET', '/api/v1/flags')).status).toBe(200);
    await revokeApiToken(store, { id: revoked.record.id, actor: 'cli:test', reason: 'leaked in a log' });

    const late = await call(expired.token, 'GET', '/api/v1/flags');
    expect(late).toMatchObject({
      status: 401,
      body: { error: { code: 'UNAUTHENTICATED', message: expect.stringMatching(/expired/) } },
    });
    const stopped = await call(revoked.token, 'GET', '/api/v1/flags');
    expect(stopped).toMatchObject({
      status: 401,
      body: { error: { code: 'UNAUTHENTICATED', message: expect.stringMatching(/revoked/) } },
    });

    const audit = await call('U_AUDIT', 'GET', `/api/v1/audit?kind=api-token&entity=${revoked.record.id}`);
    expect(audit.body.entries.map((e: { action: string }) => e.action)).toEqual([
      'api-token.revoke',
      'api-token.create',
    ]);
    expect(audit.body.entries[1].detail).toMatchObject({ principal: 'U_DEV', name: 'leaked' });
  });

  it('answers bad input with 400 in the one error shape, never a 500', async () => {
    const bad = [
      await call('U_DEV', 'POST', '/api/v1/commands', '{"text": '),
      await call('U_DEV', 'POST', '/api/v1/commands', { text: 5 }),
      await call('U_DEV', 'POST', '/api/v1/commands', { text: 'flag on x' }),
      await call('U_DEV', 'POST', '/api/v1/commands', { text: '/flag frobnicate checkout-v2' }),
      await call('U_DEV', 'POST', '/api/v1/commands', { text: '/config secret set db-password --env production' }),
      await call('U_DEV', 'GET', '/api/v1/audit?limit=lots'),
      await call('U_DEV', 'GET', '/api/v1/flags/Not%20A%20Key'),
      await call('U_DEV', 'POST', '/api/v1/change-requests/abc/reject', {}),
      await call('U_DEV', 'POST', '/api/v1/rollouts/checkout-v2/moon/pause'),
      await call('U_DEV', 'POST', '/api/v1/rollouts/checkout-v2/staging/explode'),
    ];
    for (const answer of bad) {
      expect(answer.status, JSON.stringify(answer.body)).toBe(400);
      expect(answer.body).toEqual({ error: { code: expect.any(String), message: expect.any(String) } });
    }
    expect(bad[3]!.body.error).toMatchObject({ code: 'BAD_COMMAND', message: expect.stringMatching(/Usage/) });
    expect(bad[7]!.body.error.message).toMatch(/reason/);
    const missing = await call('U_DEV', 'GET', '/api/v1/change-requests/no-such-request');
    expect(missing).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
    expect((await call('U_DEV', 'GET', '/api/v1/flags/no-such-flag')).status).toBe(404);
    expect((await call('U_DEV', 'GET', '/api/v1/nowhere')).body.error.code).toBe('NOT_FOUND');
  });

  it('pauses a running rollout as the caller, lists it, refuses a promote while paused and aborts it', async () => {
    await seedFlag(h, { key: 'slow-rollout' });
    const handle = await h.client.workflow.start(rolloutWorkflow, {
      workflowId: workflowIds.rollout('slow-rollout', 'staging'),
      taskQueue: h.taskQueue,
      args: [
        {
          rolloutId: randomUUID(),
          flagKey: 'slow-rollout',
          env: 'staging',
          variation: 'on',
          stages: [1, 10, 100],
          bakeMs: 60_000,
          requester: 'U_DEV',
          replyTo: { transport: 'console', user: 'U_DEV' },
        },
      ],
    });
    await eventually(async () => ((await handle.query(rolloutStateQuery)).status === 'baking' ? true : undefined));
    const paused = await call('U_DEV', 'POST', '/api/v1/rollouts/slow-rollout/staging/pause');
    expect(paused.body).toMatchObject({ status: 'paused', text: expect.stringMatching(/^paused by U_DEV/) });
    const listed = await call('U_DEV', 'GET', '/api/v1/rollouts');
    expect(listed.body.rollouts).toEqual(
      expect.arrayContaining([expect.objectContaining({ flagKey: 'slow-rollout', env: 'staging', status: 'paused' })]),
    );
    const promote = await call('U_DEV', 'POST', '/api/v1/rollouts/slow-rollout/staging/promote');
    expect(promote.status).toBe(400);
    expect(promote.body.error.message).toMatch(/resume first/);
    expect((await call('U_DEV', 'POST', '/api/v1/rollouts/slow-rollout/staging/abort')).body.status).toBe('aborted');
  });

  it('documents every route of its table in openapi.json, generated from the schemas', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    const document = response.json() as { openapi: string; paths: Record<string, Record<string, any>> };
    expect(document.openapi).toMatch(/^3\.1/);
    const documented = Object.entries(document.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    for (const expected of [
      'POST /api/v1/commands',
      'GET /api/v1/flags/{key}/history',
      'GET /api/v1/change-requests/{id}',
      'POST /api/v1/change-requests/{id}/reject',
      'POST /api/v1/rollouts/{flag}/{env}/{action}',
      'GET /api/v1/audit/verify',
    ]) {
      expect(documented).toContain(expected);
    }
    expect(documented).toHaveLength(API_ROUTES.length);
    const reject = document.paths['/api/v1/change-requests/{id}/reject']!.post;
    expect(reject.requestBody.content['application/json'].schema.required).toEqual(['reason']);
    const audit = document.paths['/api/v1/audit']!.get.parameters.map((p: { name: string }) => p.name);
    expect(audit).toEqual(expect.arrayContaining(['entity', 'actor', 'since', 'limit', 'before']));
  });
});
