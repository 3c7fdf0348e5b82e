import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../storage/logger.js';
import { createOidcSignIn, SIGN_IN_COOKIE } from './oidc.js';
import { createWebApp, type WebAppDeps } from './server.js';
import { createSessionCodec, CSRF_HEADER, SESSION_COOKIE } from './session.js';
import { policyOf } from '../core/policy.js';

// Reading cookies never reaches Temporal, Postgres or the command layer.
const unused = {} as never;
const sessions = createSessionCodec();
const deps: WebAppDeps = {
  client: unused,
  taskQueue: 'unused',
  pool: unused,
  handler: unused,
  log: createLogger('silent'),
  environments: ['production'],
  policy: policyOf({ ENVIRONMENTS: ['production'] }),
  devLogin: true,
  sessions,
};
const app = createWebApp(deps);
// Nothing listens on the discard port: a callback that got past its cookie would fail at discovery.
const oidcApp = createWebApp({
  ...deps,
  oidc: createOidcSignIn({
    issuer: new URL('http://127.0.0.1:9'),
    clientId: 'id',
    clientSecret: 'secret',
    principalClaim: 'sub',
    publicUrl: new URL('http://127.0.0.1:8090'),
  }),
});
afterAll(async () => {
  await app.close();
  await oidcApp.close();
});

const { value: good, session } = sessions.issue('U_ALICE');
const MALFORMED = {
  'bad percent-encoding': '%E0%A4%A',
  'bad signature': `${good.slice(0, -4)}AAAA`,
  'no signature': good.split('.')[0]!,
  garbage: '}{not-a-session',
  'signed by another process': createSessionCodec().issue('U_ALICE').value,
  'quoted and empty': '""',
};

describe('session cookies read with @fastify/cookie', () => {
  it('treat a malformed session cookie as signed out (401 naming the cookie), never a 500', async () => {
    for (const [what, value] of Object.entries(MALFORMED)) {
      for (const [method, url] of [
        ['GET', '/api/v1/session'],
        ['POST', '/auth/logout'],
      ] as const) {
        const answer = await app.inject({ method, url, headers: { cookie: `${SESSION_COOKIE}=${value}` } });
        expect(answer.statusCode, `${what}: ${method} ${url}: ${answer.body}`).toBe(401);
        expect(answer.json().error).toEqual({
          code: 'UNAUTHENTICATED',
          message: expect.stringContaining(`the ${SESSION_COOKIE} cookie is no longer a valid session`),
        });
      }
    }
  });

  it('read a good session among other cookies, however those are encoded', async () => {
    const cookie = `theme=%E0%A4%A; ${SESSION_COOKIE}=${good}; other="x"`;
    const answer = await app.inject({ method: 'GET', url: '/api/v1/session', headers: { cookie } });
    expect(answer.statusCode, answer.body).toBe(200);
    expect(answer.json()).toMatchObject({ principal: 'U_ALICE', csrfToken: session.csrf });
    const signOut = await app.inject({
      method: 'POST',
      url: '/auth/logout',
      headers: { cookie, [CSRF_HEADER]: session.csrf },
    });
    expect(signOut.statusCode).toBe(200);
    expect(signOut.headers['set-cookie']).toBe(`${SESSION_COOKIE}=; Max-Age=0; Path=/; HttpOnly; SameSite=Strict`);
  });

  it('set the dev session cookie HttpOnly and SameSite=Strict on the whole site', async () => {
    const login = await app.inject({ method: 'GET', url: '/dev-login?user=U_DEV' });
    expect(login.headers['set-cookie']).toMatch(
      new RegExp(`^${SESSION_COOKIE}=[\\w-]+\\.[\\w+/-]+; Max-Age=28800; Path=/; HttpOnly; SameSite=Strict$`),
    );
  });

  it('answer a sign-in callback with a malformed sign-in cookie with 400, and spend the cookie', async () => {
    for (const [what, value] of Object.entries(MALFORMED)) {
      const answer = await oidcApp.inject({
        method: 'GET',
        url: '/auth/callback?code=c&state=s',
        headers: { cookie: `${SIGN_IN_COOKIE}=${value}` },
      });
      expect(answer.statusCode, `${what}: ${answer.body}`).toBe(400);
      expect(answer.json().error.message).toMatch(/start again at \/auth\/login/);
      expect(answer.headers['set-cookie']).toMatch(new RegExp(`^${SIGN_IN_COOKIE}=; Max-Age=0; Path=/auth/callback;`));
    }
  });
});
