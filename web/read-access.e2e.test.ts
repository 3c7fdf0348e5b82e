import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCommandHandler } from '../bot/command-handler.js';
import { createApiToken } from '../storage/api-tokens.js';
import { createLogger } from '../storage/logger.js';
import { grantRole } from '../storage/role-bindings.js';
import { TEST_POLICY } from '../test/policy.js';
import { seedFlag, startTemporalHarness, type TemporalHarness } from '../test/temporal.js';
import { createWebApp } from './server.js';

/**
 * Reading needs a binding that covers what is read (core/read-access.ts), through every read
 * route and through the chat grammar over HTTP: someone with no role reads nothing, a viewer of
 * staging reads staging only, a tenant's admin its own tenant's overrides only.
 */
const log = createLogger('silent');
const ENVIRONMENTS = ['dev', 'staging', 'production'];
let h: TemporalHarness;
let app: FastifyInstance;
const tokens: Record<string, string> = {};
let productionRequest: string;

async function call(as: string, method: 'GET' | 'POST', url: string, payload?: Record<string, unknown>) {
  const response = await app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${tokens[as]}` },
    ...(payload ? { payload } : {}),
  });
  return { status: response.statusCode, body: response.json() as Record<string, any> };
}

async function command(as: string, text: string) {
  const answer = await call(as, 'POST', '/api/v1/commands', { text });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body;
}

const state = (tenants: Record<string, string>) => ({
  tenantOverrides: tenants,
  killedTenants: Object.keys(tenants).filter((t) => t !== 'acme'),
  userOverrides: { 'user-1': { variation: 'on' } },
});

beforeAll(async () => {
  h = await startTemporalHarness();
  const store = { pool: h.db.pool, log, policy: TEST_POLICY };
  const grants = [
    { subject: 'U_OPS1', role: 'operator', env: 'production' },
    { subject: 'U_OPS2', role: 'operator', env: 'production' },
    { subject: 'U_DEV', role: 'developer' },
    { subject: 'U_STG', role: 'viewer', env: 'staging' },
    { subject: 'U_ACME', role: 'admin', tenant: 'acme' },
  ];
  for (const grant of grants) await grantRole(store, { ...grant, actor: 'test-setup' });
  for (const principal of ['U_OPS1', 'U_OPS2', 'U_DEV', 'U_STG', 'U_ACME', 'U_NOBODY'])
    tokens[principal] = (await createApiToken(store, { principal, name: 'read-test', actor: 'cli:test' })).token;
  const handler = createCommandHandler({
    client: h.client,
    taskQueue: h.taskQueue,
    pool: h.db.pool,
    log,
    environments: ENVIRONMENTS,
    policy: TEST_POLICY,
  });
  app = createWebApp({
    client: h.client,
    taskQueue: h.taskQueue,
    pool: h.db.pool,
    log,
    environments: ENVIRONMENTS,
    policy: TEST_POLICY,
    handler,
    devLogin: false,
  });
  await seedFlag(h, {
    key: 'scoped',
    environments: {
      staging: state({ acme: 'on', globex: 'off' }),
      production: state({ acme: 'off', globex: 'on' }),
    },
  });
  // A staging change and a staging config value, applied at once (a developer's, below production).
  expect(await command('U_DEV', '/flag on scoped --env staging --reason "try it"')).toMatchObject({
    status: 'applied',
  });
  expect(await command('U_DEV', '/config set limits.max 5 --type int --env staging --reason "small"')).toMatchObject({
    status: 'applied',
  });
  // A production value (applied after a second operator) and a production request left waiting.
  const value = await command('U_OPS1', '/config set limits.max 9 --type int --env production --reason "big"');
  expect(await call('U_OPS2', 'POST', `/api/v1/change-requests/${value.changeRequestId}/approve`)).toMatchObject({
    body: { status: 'applied' },
  });
  const waiting = await command('U_OPS1', '/flag on scoped --env production --reason "launch"');
  expect(waiting.status).toBe('awaiting_approval');
  productionRequest = waiting.changeRequestId as string;
}, 120_000);
afterAll(async () => {
  await app?.close();
  await h?.close();
});

describe('reading needs a binding that covers what is read', () => {
  it('a token of a principal with no role gets 403, naming the missing scope, on every read route and read command', async () => {
    const reads = [
      '/api/v1/audit',
      '/api/v1/audit/verify',
      '/api/v1/configs',
      '/api/v1/configs/limits.max',
      '/api/v1/flags',
      '/api/v1/flags/scoped',
      '/api/v1/flags/scoped/history',
      '/api/v1/change-requests',
      `/api/v1/change-requests/${productionRequest}`,
      '/api/v1/rollouts',
      '/api/v1/stale-flags',
    ];
    for (const url of reads) {
      const answer = await call('U_NOBODY', 'GET', url);
      expect(answer, url).toMatchObject({
        status: 403,
        body: {
          error: { code: 'FORBIDDEN', message: expect.stringMatching(/^U_NOBODY has no Switchyard role that covers /) },
        },
      });
    }
    expect((await call('U_NOBODY', 'GET', '/api/v1/flags/scoped?env=production')).body.error.message).toBe(
      'U_NOBODY has no Switchyard role that covers production: ask an operator for `viewer --env production`',
    );
    const shown = await call('U_NOBODY', 'POST', '/api/v1/commands', { text: '/flag show scoped --env production' });
    expect(shown).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
    expect(shown.body.error.message).toMatch(/covers production: ask an operator for `viewer --env production`/);
    for (const text of ['/flag list', '/change list', '/config get limits.max --env staging', '/incident list'])
      expect((await call('U_NOBODY', 'POST', '/api/v1/commands', { text })).status, text).toBe(403);
    // Who the caller is stays open: it is about the caller alone.
    expect((await call('U_NOBODY', 'GET', '/api/v1/session')).status).toBe(200);
  });

  it('a viewer of staging reads staging: production is filtered out of lists and refused when asked for', async () => {
    const flag = await call('U_STG', 'GET', '/api/v1/flags/scoped');
    expect(flag.status).toBe(200);
    expect(Object.keys(flag.body.document.environments)).toEqual(['staging']);
    expect(flag.body.environments).toEqual(['staging']);
    expect(flag.body.document.environments.staging).toMatchObject({
      tenantOverrides: { acme: 'on', globex: 'off' },
      userOverrides: { 'user-1': { variation: 'on' } },
    });
    const listed = await call('U_STG', 'GET', '/api/v1/flags');
    expect(Object.keys(listed.body.flags[0].document.environments)).toEqual(['staging']);
    const production = await call('U_STG', 'GET', '/api/v1/flags/scoped?env=production');
    expect(production).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
    expect(production.body.error.message).toBe(
      'U_STG has no Switchyard role that covers production (U_STG holds viewer (staging)): ask an operator for `viewer --env production`',
    );

    const config = await call('U_STG', 'GET', '/api/v1/configs/limits.max?env=staging');
    expect(config.body.document.scopes).toEqual([{ env: 'staging', value: 5 }]);
    expect(config.body.resolved).toEqual({ env: 'staging', value: 5, scope: 'env' });
    expect((await call('U_STG', 'GET', '/api/v1/configs/limits.max?env=production')).status).toBe(403);

    const audit = await call('U_STG', 'GET', '/api/v1/audit?limit=500');
    const places = audit.body.entries.map((e: { environment?: string }) => e.environment);
    expect(places).toContain('staging');
    expect(places.every((env: string | undefined) => env === 'staging')).toBe(true);
    const history = await call('U_STG', 'GET', '/api/v1/flags/scoped/history');
    expect(history.body.history.map((r: { action: string }) => r.action)).toEqual(['flag.on']);
    expect(await call('U_STG', 'GET', '/api/v1/audit/verify')).toMatchObject({ status: 200, body: { ok: true } });

    const requests = await call('U_STG', 'GET', '/api/v1/change-requests');
    const ids = requests.body.changeRequests.map((c: { requestId: string }) => c.requestId);
    expect(ids.length).toBeGreaterThan(0);
    expect(ids).not.toContain(productionRequest);
    expect((await call('U_STG', 'GET', `/api/v1/change-requests/${productionRequest}`)).status).toBe(403);
    expect((await call('U_OPS2', 'GET', `/api/v1/change-requests/${productionRequest}`)).body).toMatchObject({
      reach: [{ env: 'production' }],
    });
  });

  it("a tenant's admin sees its own tenant's overrides and kills in each environment, and no one else's", async () => {
    const flag = await call('U_ACME', 'GET', '/api/v1/flags/scoped');
    expect(flag.status).toBe(200);
    for (const env of ['staging', 'production']) {
      expect(flag.body.document.environments[env], env).toMatchObject({
        tenantOverrides: env === 'staging' ? { acme: 'on' } : { acme: 'off' },
        killedTenants: [],
        userOverrides: {},
      });
    }
    const config = await call('U_ACME', 'GET', '/api/v1/configs/limits.max');
    expect(config.body.document.scopes).toEqual([]);
    expect((await call('U_ACME', 'GET', '/api/v1/configs/limits.max?env=production')).status).toBe(403);
    const audit = await call('U_ACME', 'GET', '/api/v1/audit?limit=500');
    expect(audit.body.entries.every((e: { tenant?: string }) => e.tenant === 'acme')).toBe(true);
  });
});
