import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { createCommandHandler } from '../bot/command-handler.js';
import { createLogger } from '../storage/logger.js';
import { createOidcSignIn } from './oidc.js';
import { createWebApp } from './server.js';
import { createSessionCodec, CSRF_HEADER, SESSION_COOKIE } from './session.js';
import { policyOf } from '../core/policy.js';

/** What a Postgres driver says when it fails: hosts, users and databases nobody outside should read. */
const DRIVER_MESSAGE = 'password authentication failed for user "switchyard_admin" at db-primary.internal:5432';
const pool = {
  query: async () => {
    throw Object.assign(new Error(DRIVER_MESSAGE), { code: '28P01' });
  },
  connect: async () => {
    throw new Error(DRIVER_MESSAGE);
  },
} as never;

const logged: Array<Record<string, unknown>> = [];
const log = createLogger(
  'error',
  'web',
  new Writable({
    write(line: Buffer, _encoding, done) {
      logged.push(JSON.parse(line.toString()) as Record<string, unknown>);
      done();
    },
  }),
);
const sessions = createSessionCodec();
const unused = {} as never;
const environments = ['production'];
const policy = policyOf({ ENVIRONMENTS: environments });
const handler = createCommandHandler({ client: unused, taskQueue: 'unused', pool, log, environments, policy });
const deps = {
  client: unused,
  taskQueue: 'unused',
  pool,
  log,
  environments,
  policy,
  handler,
  devLogin: false,
  sessions,
};
const app = createWebApp(deps);
afterAll(() => app.close());

// A session cookie, so authentication itself never touches the failing pool.
const { value, session } = sessions.issue('U_ALICE');
const asAlice = { cookie: `${SESSION_COOKIE}=${value}`, [CSRF_HEADER]: session.csrf };
const REFERENCE = /^internal error; reference ([0-9a-f-]{36})$/;

describe('internal errors', () => {
  it('answer a 500 with a reference, never the driver’s words, and log the error under that reference and the request id', async () => {
    for (const request of [
      { method: 'POST' as const, url: '/api/v1/commands', payload: { text: '/flag show checkout-v2' } },
      { method: 'GET' as const, url: '/api/v1/flags' },
    ]) {
      logged.length = 0;
      const answer = await app.inject({ ...request, headers: asAlice });
      expect(answer.statusCode, answer.body).toBe(500);
      expect(answer.body).not.toMatch(/password|switchyard_admin|db-primary|something went wrong/);
      const { error } = answer.json() as { error: { code: string; message: string } };
      expect(error).toEqual({ code: 'INTERNAL', message: expect.stringMatching(REFERENCE) });
      const reference = REFERENCE.exec(error.message)![1];
      const line = logged.find((entry) => entry.errorId === reference);
      expect(line, JSON.stringify(logged)).toMatchObject({
        msg: 'api request failed',
        reqId: expect.any(String),
        method: request.method,
        url: request.url,
        err: { message: expect.stringContaining(DRIVER_MESSAGE) },
      });
    }
  });

  it('keep the words of a deliberate 5xx (the OIDC provider unreachable) without the cause, which is logged', async () => {
    const oidc = createOidcSignIn({
      // Nothing listens on the discard port.
      issuer: new URL('http://127.0.0.1:9'),
      clientId: 'id',
      clientSecret: 'secret',
      principalClaim: 'sub',
      publicUrl: new URL('http://127.0.0.1:8090'),
    });
    const withOidc = createWebApp({ ...deps, oidc });
    logged.length = 0;
    const answer = await withOidc.inject({ method: 'GET', url: '/auth/login' });
    await withOidc.close();
    expect(answer.statusCode).toBe(502);
    expect(answer.json().error).toEqual({
      code: 'OIDC_UNAVAILABLE',
      message: expect.stringMatching(
        /^could not read the OIDC discovery document of http:\/\/127\.0\.0\.1:9\/; check OIDC_ISSUER; reference [0-9a-f-]{36}$/,
      ),
    });
    expect(logged[0]).toMatchObject({ msg: 'api request failed', err: { message: expect.stringMatching(/: ./) } });
  });

  it('keep a user error’s own message and status', async () => {
    const answer = await app.inject({
      method: 'POST',
      url: '/api/v1/commands',
      headers: asAlice,
      payload: { text: '/flag frobnicate checkout-v2' },
    });
    expect(answer.statusCode).toBe(400);
    expect(answer.json().error).toEqual({ code: 'BAD_COMMAND', message: expect.stringMatching(/Usage/) });
  });
});
