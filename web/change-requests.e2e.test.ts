import { parseTestCommand } from '../test/parse-command.js';
import type { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChangeRequest } from '../bot/workflow-starters.js';
import type { Command } from '../core/command/schema.js';
import { createLogger } from '../storage/logger.js';
import { eventually, grantRole, seedFlag, startTemporalHarness, type TemporalHarness } from '../test/temporal.js';
import { changeRequestStateQuery } from '../workflows/contracts.js';
import { createWebApp } from './server.js';
import { createSessionCodec, SESSION_COOKIE } from './session.js';
import { TEST_POLICY } from '../test/policy.js';

const ENVIRONMENTS = ['dev', 'staging', 'production'];
const REFUSED = 5;
const WAITING = 2;
let h: TemporalHarness;
let app: FastifyInstance;
/** How many workflows the API asked about (a query or a result each). */
let described = 0;
const sessions = createSessionCodec();
const asOps = { cookie: `${SESSION_COOKIE}=${sessions.issue('U_OPS').value}` };

/** The harness's client, counting every workflow handle the API takes. */
function countingClient(client: Client): Client {
  const workflow = new Proxy(client.workflow, {
    get(target, prop) {
      if (prop === 'getHandle')
        return (...args: Parameters<typeof target.getHandle>) => {
          described += 1;
          return target.getHandle(...args);
        };
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return new Proxy(client, {
    get: (target, prop) => (prop === 'workflow' ? workflow : (Reflect.get(target, prop, target) as unknown)),
  });
}

const request = (id: string, requester: string, text: string) =>
  startChangeRequest(
    h.client,
    {
      requestId: id,
      requester,
      command: parseTestCommand('/flag', text, { environments: ENVIRONMENTS }) as Command & Record<string, unknown>,
      replyTo: { transport: 'console', user: requester },
    },
    h.taskQueue,
  );

beforeAll(async () => {
  h = await startTemporalHarness();
  await seedFlag(h, { key: 'paged-flag' });
  await grantRole(h, 'U_OPS', 'operator', { env: 'production' });
  // The lister reads every request: a refused one was never planned, so it reaches every environment.
  await grantRole(h, 'U_OPS', 'viewer');
  // Someone with no role: each request ends refused, its workflow finished.
  for (let i = 0; i < REFUSED; i += 1)
    await (await request(`refused-${i}`, 'U_NOBODY', 'on paged-flag --env dev --reason "try"')).result();
  // A production change by an operator waits for a second one: its workflow keeps running.
  for (let i = 0; i < WAITING; i += 1) {
    const handle = await request(`waiting-${i}`, 'U_OPS', 'on paged-flag --env production --reason "launch"');
    await eventually(async () =>
      (await handle.query(changeRequestStateQuery)).status === 'awaiting_approval' ? true : undefined,
    );
  }
  await eventually(async () =>
    (await h.client.workflow.count(`WorkflowType = 'changeRequestWorkflow'`)).count === REFUSED + WAITING
      ? true
      : undefined,
  );
  app = createWebApp({
    client: countingClient(h.client),
    taskQueue: h.taskQueue,
    pool: h.db.pool,
    log: createLogger('silent'),
    environments: ENVIRONMENTS,
    policy: TEST_POLICY,
    handler: {} as never,
    devLogin: false,
    sessions,
  });
}, 90_000);
afterAll(async () => {
  await app?.close();
  await h?.close();
});

async function list(query: string) {
  described = 0;
  const answer = await app.inject({ method: 'GET', url: `/api/v1/change-requests${query}`, headers: asOps });
  return { status: answer.statusCode, body: answer.json() as Record<string, any>, described };
}

describe('GET /api/v1/change-requests', () => {
  it('pages through every request with limit and cursor, describing only each page’s workflows', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 4; pages += 1) {
      const page = await list(`?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status, JSON.stringify(page.body)).toBe(200);
      expect(page.body.changeRequests.length).toBeLessThanOrEqual(3);
      expect(page.described).toBeLessThanOrEqual(3);
      seen.push(...page.body.changeRequests.map((c: { requestId: string }) => c.requestId));
      cursor = page.body.nextCursor as string | undefined;
      if (!cursor) break;
    }
    expect(cursor).toBeUndefined();
    expect(seen.sort()).toEqual([
      ...Array.from({ length: REFUSED }, (_, i) => `refused-${i}`),
      ...Array.from({ length: WAITING }, (_, i) => `waiting-${i}`),
    ]);
  });

  it('describes a finished request from its result and a running one from its state, in the same shape as before', async () => {
    const { body } = await list('');
    expect(body.nextCursor).toBeUndefined();
    const byId = new Map(body.changeRequests.map((c: { requestId: string }) => [c.requestId, c]));
    expect(byId.get('refused-0')).toMatchObject({
      status: 'refused',
      requester: 'U_NOBODY',
      workflowId: 'change-refused-0',
      riskReasons: expect.any(Array),
      startedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(byId.get('waiting-1')).toMatchObject({
      status: 'awaiting_approval',
      requester: 'U_OPS',
      classification: 'risky',
      summary: expect.stringContaining('production'),
    });
  });

  it('lists pending requests from running workflows only', async () => {
    const pending = await list('?status=pending');
    expect(pending.body.changeRequests.map((c: { requestId: string }) => c.requestId).sort()).toEqual([
      'waiting-0',
      'waiting-1',
    ]);
    expect(pending.described).toBe(WAITING);
  });

  it('asks about at most `limit` workflows even when the filter matches none of them, and says where to go on', async () => {
    const none = await list('?status=expired&limit=2');
    expect(none.status).toBe(200);
    expect(none.body.changeRequests).toEqual([]);
    expect(none.described).toBeLessThanOrEqual(2);
    expect(none.body.nextCursor).toEqual(expect.any(String));
  });

  it('refuses a limit over 200 and a cursor it never handed out with 400', async () => {
    const tooMany = await list('?limit=201');
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.message).toMatch(/limit/);
    const cursor = (await list('?limit=2')).body.nextCursor as string;
    for (const query of [
      '?cursor=bm90LWEtdG9rZW4',
      `?cursor=${cursor.slice(0, -2)}`,
      `?cursor=${cursor}&status=refused`,
    ]) {
      const refused = await list(query);
      expect(refused.status, JSON.stringify(refused.body)).toBe(400);
      expect(refused.body.error.message).toMatch(/cursor: is not the nextCursor/);
      expect(refused.described).toBe(0);
    }
    expect((await list(`?limit=2&cursor=${cursor}`)).status).toBe(200);
  });

  it('documents limit and cursor in openapi.json, and nextCursor in the answer', async () => {
    const document = (await app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json() as Record<string, any>;
    const operation = document.paths['/api/v1/change-requests'].get;
    const parameters = Object.fromEntries(operation.parameters.map((p: { name: string }) => [p.name, p]));
    expect(Object.keys(parameters).sort()).toEqual(['cursor', 'limit', 'status']);
    expect(parameters.limit.schema).toMatchObject({ default: 50, maximum: 200 });
    const answer = operation.responses['200'].content['application/json'].schema;
    expect(Object.keys(answer.properties).sort()).toEqual(['changeRequests', 'nextCursor']);
  });
});
