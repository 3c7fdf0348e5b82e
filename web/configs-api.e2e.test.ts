import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCommandHandler, type CommandHandler } from '../bot/command-handler.js';
import { requestSecretValue } from '../bot/sealed-secret.js';
import { createApiToken } from '../storage/api-tokens.js';
import { getConfig } from '../storage/configs.js';
import { createLogger } from '../storage/logger.js';
import { grantRole } from '../storage/role-bindings.js';
import { startTemporalHarness, type TemporalHarness } from '../test/temporal.js';
import { createWebApp } from './server.js';
import { TEST_POLICY } from '../test/policy.js';

const log = createLogger('silent');
const ENVIRONMENTS = ['dev', 'staging', 'production'];
const MASTER_KEY = randomBytes(32);
const CLEAR_SECRET = `sk-live-${randomBytes(12).toString('hex')}`;
let h: TemporalHarness;
let app: FastifyInstance;
let handler: CommandHandler;
const tokens: Record<string, string> = {};

/** A GET as `principal` (by its API token), or anonymous with `as: undefined`. */
async function get(as: string | undefined, url: string) {
  const response = await app.inject({
    method: 'GET',
    url,
    headers: as ? { authorization: `Bearer ${tokens[as]}` } : {},
  });
  return { status: response.statusCode, text: response.body, body: response.json() as Record<string, any> };
}

async function post(as: string, url: string, payload?: unknown) {
  const response = await app.inject({
    method: 'POST',
    url,
    headers: { authorization: `Bearer ${tokens[as]}` },
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });
  return { status: response.statusCode, body: response.json() as Record<string, any> };
}

/** A change that waits for a second operator is approved by U_OPS2, as it would be in chat. */
async function approvedIfWaiting(outcome: { status: string; changeRequestId?: string }): Promise<void> {
  if (outcome.status === 'awaiting_approval') {
    const approved = await post('U_OPS2', `/api/v1/change-requests/${outcome.changeRequestId}/approve`);
    expect(approved.body, JSON.stringify(approved.body)).toMatchObject({ status: 'applied' });
  } else {
    expect(outcome.status).toBe('applied');
  }
}

beforeAll(async () => {
  h = await startTemporalHarness();
  const store = { pool: h.db.pool, log, policy: TEST_POLICY };
  await grantRole(store, { subject: 'U_OPS1', role: 'operator', env: 'production', actor: 'test-setup' });
  await grantRole(store, { subject: 'U_OPS2', role: 'operator', env: 'production', actor: 'test-setup' });
  for (const principal of ['U_OPS1', 'U_OPS2'])
    tokens[principal] = (await createApiToken(store, { principal, name: 'configs-api-test', actor: 'cli:test' })).token;
  handler = createCommandHandler({
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

  for (const text of [
    '/config set checkout.max-items 12 --type int --env production --reason "bigger carts"',
    '/config set checkout.banner "spring sale" --type string --env production --reason "campaign"',
  ]) {
    const outcome = await post('U_OPS1', '/api/v1/commands', { text });
    expect(outcome.status, JSON.stringify(outcome.body)).toBe(200);
    await approvedIfWaiting(outcome.body as { status: string; changeRequestId?: string });
  }
  const requestId = `configs-api-${randomUUID()}`;
  const reply = await requestSecretValue(handler, MASTER_KEY, {
    transport: 'console',
    user: 'U_OPS1',
    key: 'payments.api-key',
    env: 'production',
    value: CLEAR_SECRET,
    reason: 'rotating the vendor key',
    requestId,
    replyTo: { transport: 'console', user: 'U_OPS1' },
  });
  expect(reply.ok, reply.text).toBe(true);
  const state = await get('U_OPS2', `/api/v1/change-requests/${requestId}`);
  await approvedIfWaiting({ status: state.body.status as string, changeRequestId: requestId });
}, 90_000);
afterAll(async () => {
  await app?.close();
  await h?.close();
});

describe('GET /api/v1/configs', () => {
  it('lists every config entry set through the change path, latest version, with who changed it', async () => {
    const listed = await get('U_OPS1', '/api/v1/configs');
    expect(listed.status, listed.text).toBe(200);
    const byKey = new Map((listed.body.configs as Array<{ key: string }>).map((c) => [c.key, c]));
    expect([...byKey.keys()].sort()).toEqual(['checkout.banner', 'checkout.max-items', 'payments.api-key']);
    expect(byKey.get('checkout.max-items')).toMatchObject({
      version: 1,
      changedBy: expect.any(String),
      changeId: expect.any(String),
      changedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      document: {
        key: 'checkout.max-items',
        valueType: 'int',
        secret: false,
        scopes: [{ env: 'production', value: 12 }],
      },
    });
    expect(byKey.get('checkout.banner')).toMatchObject({
      document: { scopes: [{ env: 'production', value: 'spring sale' }] },
    });
  });

  it('shows that a secret holds a sealed value, never its clear value or any part of its envelope', async () => {
    const stored = await getConfig(h.db.pool, 'payments.api-key');
    const envelope = stored!.document.scopes[0]!.value as { ciphertext: string; wrappedKey: string; tag: string };
    const listed = await get('U_OPS2', '/api/v1/configs');
    const secret = (listed.body.configs as Array<{ key: string; document: unknown }>).find(
      (c) => c.key === 'payments.api-key',
    );
    expect(secret).toMatchObject({ document: { secret: true, scopes: [{ env: 'production', value: '(sealed)' }] } });
    for (const hidden of [CLEAR_SECRET, envelope.ciphertext, envelope.wrappedKey, envelope.tag])
      expect(listed.text).not.toContain(hidden);
    // The list hides exactly what showing the one entry hides.
    expect((await get('U_OPS2', '/api/v1/configs/payments.api-key')).body.document).toEqual(secret?.document);
  });

  it('filters by owner and by being a secret, and refuses a filter it does not know with a 400', async () => {
    const keys = async (query: string) =>
      ((await get('U_OPS1', `/api/v1/configs${query}`)).body.configs as Array<{ key: string }>)
        .map((c) => c.key)
        .sort();
    expect(await keys('?secret=true')).toEqual(['payments.api-key']);
    expect(await keys('?secret=false')).toEqual(['checkout.banner', 'checkout.max-items']);
    const owner = ((await get('U_OPS1', '/api/v1/configs/checkout.banner')).body.document as { owner: string }).owner;
    expect(await keys(`?owner=${encodeURIComponent(owner)}&secret=false`)).toEqual([
      'checkout.banner',
      'checkout.max-items',
    ]);
    expect(await keys('?owner=nobody-owns-this')).toEqual([]);
    for (const bad of ['?secret=yes', '?env=production']) {
      const answer = await get('U_OPS1', `/api/v1/configs${bad}`);
      expect(answer.status, answer.text).toBe(400);
      expect(answer.body).toEqual({ error: { code: expect.any(String), message: expect.any(String) } });
    }
  });

  it('answers a call without credentials with a 401 in the one error shape, and lists nothing', async () => {
    const anonymous = await get(undefined, '/api/v1/configs');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toEqual({
      error: { code: 'UNAUTHENTICATED', message: expect.stringMatching(/Authorization: Bearer/) },
    });
    expect(anonymous.text).not.toContain('checkout');
  });

  it('is in the OpenAPI document, with its filters and its answer from the schemas', async () => {
    const document = (await app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json() as {
      paths: Record<string, Record<string, any>>;
    };
    const operation = document.paths['/api/v1/configs']?.get;
    expect(operation).toMatchObject({
      operationId: 'getConfigs',
      tags: ['configs'],
      security: [{ bearerToken: [] }, { sessionCookie: [] }],
    });
    expect(operation.parameters.map((p: { name: string }) => p.name)).toEqual(['owner', 'secret']);
    expect(operation.responses['200'].content['application/json'].schema.properties.configs.type).toBe('array');
    expect(operation.responses['401']).toBeDefined();
  });
});
