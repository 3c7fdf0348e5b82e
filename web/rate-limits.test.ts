import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { parseSettings } from '../cli/settings.js';
import { hashApiToken } from '../storage/api-tokens.js';
import { createLogger } from '../storage/logger.js';
import { LIMITS } from './rate-limits.js';
import { createWebApp, type WebAppDeps } from './server.js';
import { createSessionCodec, SESSION_COOKIE } from './session.js';
import { policyOf } from '../core/policy.js';

const GOOD_TOKEN = `syt_${'a'.repeat(43)}`;
const sessions = createSessionCodec();

/** Only the token table is ever read: GOOD_TOKEN is U_CI's, every other token is unknown. */
const pool = {
  query: async (_sql: string, params: unknown[]) => ({
    rows:
      params[0] === hashApiToken(GOOD_TOKEN)
        ? [{ id: 't1', principal: 'U_CI', expires_at: null, revoked_at: null, last_used_at: new Date() }]
        : [],
  }),
} as never;
const unused = {} as never;
const deps: WebAppDeps = {
  client: unused,
  taskQueue: 'unused',
  pool,
  handler: unused,
  log: createLogger('silent'),
  environments: ['production'],
  policy: policyOf({ ENVIRONMENTS: ['production'] }),
  devLogin: true,
  sessions,
};

let apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.map((app) => app.close()));
  apps = [];
});
const appWith = (trustProxy?: boolean | string[]) => {
  const app = createWebApp(deps, { trustProxy });
  apps.push(app);
  return app;
};

/** A browser behind the balancer at 10.0.0.1 signing in through dev-login: its address is in X-Forwarded-For. */
const devLogin = (app: FastifyInstance, client: string) =>
  app.inject({
    method: 'GET',
    url: '/dev-login?user=U_DEV',
    remoteAddress: '10.0.0.1',
    headers: { 'x-forwarded-for': client },
  });

describe('rate limits', () => {
  it('behind a trusted balancer, limit each client on its own address: one client past the limit locks out nobody else', async () => {
    const trustProxy = parseSettings({ TRUST_PROXY: '10.0.0.0/8' });
    if (!trustProxy.ok) throw new Error(trustProxy.message);
    const app = appWith(trustProxy.settings.TRUST_PROXY);
    for (let i = 0; i < LIMITS.devLogin; i += 1) expect((await devLogin(app, '203.0.113.5')).statusCode).toBe(200);
    const refused = await devLogin(app, '203.0.113.5');
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toEqual({
      error: {
        code: 'RATE_LIMITED',
        message: expect.stringMatching(/^too many sign-in attempts .*try again in \d+ s$/),
      },
    });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect((await devLogin(app, '198.51.100.7')).statusCode).toBe(200);
  });

  it('without TRUST_PROXY, believe no X-Forwarded-For: a client cannot dodge its limit by making addresses up', async () => {
    const app = appWith(undefined);
    for (let i = 0; i < LIMITS.devLogin; i += 1) await devLogin(app, `203.0.113.${i}`);
    expect((await devLogin(app, '198.51.100.7')).statusCode).toBe(429);
  });

  it('refuse an address past its failed token attempts even with a good token, and nobody else', async () => {
    const app = appWith(undefined);
    const withToken = (token: string, remoteAddress: string) =>
      app.inject({
        method: 'GET',
        url: '/api/v1/session',
        remoteAddress,
        headers: { authorization: `Bearer ${token}` },
      });
    expect((await withToken(GOOD_TOKEN, '192.0.2.1')).json()).toEqual({ principal: 'U_CI', via: 'token' });
    for (let i = 0; i < LIMITS.failedTokens; i += 1)
      expect((await withToken(`syt_${String(i).padStart(43, 'x')}`, '192.0.2.1')).statusCode).toBe(401);
    const blocked = await withToken(GOOD_TOKEN, '192.0.2.1');
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json().error).toEqual({ code: 'RATE_LIMITED', message: expect.stringMatching(/failed token/) });
    expect((await withToken(GOOD_TOKEN, '192.0.2.2')).statusCode).toBe(200);
  });

  it('count an authenticated caller’s calls against its principal, not against the address it shares', async () => {
    const app = appWith(undefined);
    const as = (principal: string) => ({ cookie: `${SESSION_COOKIE}=${sessions.issue(principal).value}` });
    const alice = as('U_ALICE');
    const call = (headers: Record<string, string>) =>
      app.inject({ method: 'GET', url: '/api/v1/session', remoteAddress: '192.0.2.9', headers });
    for (let i = 0; i < LIMITS.calls; i += 1) await call(alice);
    const refused = await call(alice);
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error.message).toMatch(/too many calls from U_ALICE/);
    expect((await call(as('U_BOB'))).json()).toMatchObject({ principal: 'U_BOB' });
  });
});

describe('TRUST_PROXY', () => {
  const parsed = (value: string) => parseSettings({ TRUST_PROXY: value });
  it('takes true, or a comma list of addresses and CIDRs; unset trusts nobody', () => {
    const unset = parseSettings({});
    expect(unset.ok && unset.settings.TRUST_PROXY).toBeUndefined();
    expect(parsed('true')).toMatchObject({ ok: true, settings: { TRUST_PROXY: true } });
    expect(parsed('10.0.0.0/8, 127.0.0.1,::1,fd00::/8,loopback')).toMatchObject({
      ok: true,
      settings: { TRUST_PROXY: ['10.0.0.0/8', '127.0.0.1', '::1', 'fd00::/8', 'loopback'] },
    });
  });

  it('refuses a hop count or something that is not an address, in one line naming the variable', () => {
    for (const [value, why] of [
      ['2', /hop count/],
      ['10.0.0.0/33', /10\.0\.0\.0\/33, which is not an address or CIDR/],
      ['balancer.internal', /balancer\.internal/],
    ] as const) {
      const result = parsed(value);
      expect(result.ok).toBe(false);
      if (result.ok) continue;
      expect(result.message).toMatch(/^configuration error: TRUST_PROXY /);
      expect(result.message).toMatch(why);
      expect(result.message.split('\n')).toHaveLength(1);
    }
  });
});
