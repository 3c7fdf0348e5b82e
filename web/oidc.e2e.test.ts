import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';
import { firstPartyGrant } from '../test/oidc-first-party-grant.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../storage/logger.js';
import { createOidcSignIn, SLACK_TEAM_CLAIM } from './oidc.js';
import { createWebApp, type WebAppDeps } from './server.js';
import { CSRF_HEADER } from './session.js';
import { policyOf } from '../core/policy.js';

/**
 * Sign-in against a real OpenID Connect server (oidc-provider) on loopback, driven over HTTP with a
 * cookie jar the way a browser would: the console app is called in-process, the provider over TCP.
 */
const PUBLIC_URL = 'http://127.0.0.1:8090';
const CLIENT = { client_id: 'switchyard-console', client_secret: 'a-test-client-secret-long-enough-for-hs256' };
const OUR_TEAM = 'T_OURS';
const USER_ID_CLAIM = 'https://slack.com/user_id';

/** Who the provider signs in next, as Slack would describe them. */
let nextUser: { userId: string; team: string; email?: string; verified?: boolean } = {
  userId: 'U_ALICE',
  team: OUR_TEAM,
};
let issuer: string;
let provider: Provider;
let providerServer: Server;

beforeAll(async () => {
  let handle: (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void = () =>
    undefined;
  providerServer = createServer((req, res) => handle(req, res));
  await new Promise<void>((resolve) => providerServer.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(providerServer.address() as AddressInfo).port}`;
  provider = new Provider(issuer, {
    clients: [
      {
        ...CLIENT,
        redirect_uris: [`${PUBLIC_URL}/auth/callback`],
        token_endpoint_auth_method: 'client_secret_post',
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    cookies: { keys: ['test-cookie-key'] },
    jwks: {
      keys: [
        {
          ...(await exportJWK((await generateKeyPair('RS256', { extractable: true })).privateKey)),
          alg: 'RS256',
          use: 'sig',
        },
      ],
    },
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600 },
    features: { devInteractions: { enabled: false } },
    // Slack sends its ids in the ID token itself.
    conformIdTokenClaims: false,
    claims: { openid: ['sub', USER_ID_CLAIM, SLACK_TEAM_CLAIM], email: ['email', 'email_verified'] },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    async findAccount(_ctx, accountId) {
      const [userId, team] = accountId.split('@');
      return {
        accountId,
        claims: async () => ({
          sub: `slack-sub-${userId}`,
          [USER_ID_CLAIM]: userId,
          [SLACK_TEAM_CLAIM]: team,
          ...(nextUser.email ? { email: nextUser.email, email_verified: nextUser.verified ?? false } : {}),
        }),
      };
    },
    // A first-party console: no consent screen.
    loadExistingGrant: firstPartyGrant,
  });
  const callback = provider.callback();
  handle = (req, res) => {
    // The login page: the user "types their password" and is signed in as nextUser.
    if (req.url?.startsWith('/interaction/')) {
      provider
        .interactionFinished(
          req,
          res,
          { login: { accountId: `${nextUser.userId}@${nextUser.team}` } },
          { mergeWithLastSubmission: false },
        )
        .catch((err: unknown) => {
          res.statusCode = 500;
          res.end(String(err));
        });
      return;
    }
    callback(req, res);
  };
}, 20_000);
afterAll(async () => {
  await new Promise((resolve) => providerServer?.close(resolve));
});

/** Cookies per origin, as a browser keeps them (paths and expiry simplified to what the flow needs). */
class CookieJar {
  private readonly byOrigin = new Map<string, Map<string, string>>();
  store(origin: string, setCookie: string | string[] | undefined): void {
    const jar = this.byOrigin.get(origin) ?? new Map<string, string>();
    this.byOrigin.set(origin, jar);
    for (const line of ([] as string[]).concat(setCookie ?? [])) {
      const [pair, ...attributes] = line.split(';');
      const at = pair!.indexOf('=');
      const name = pair!.slice(0, at).trim();
      const value = pair!.slice(at + 1).trim();
      const gone = attributes.some(
        (a) => /^\s*max-age=0\s*$/i.test(a) || (/^\s*expires=/i.test(a) && Date.parse(a.split('=')[1]!) < Date.now()),
      );
      if (gone || value === '') jar.delete(name);
      else jar.set(name, value);
    }
  }
  header(origin: string): string {
    return [...(this.byOrigin.get(origin) ?? new Map()).entries()].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  get(origin: string, name: string): string | undefined {
    return this.byOrigin.get(origin)?.get(name);
  }
}

interface Answer {
  status: number;
  location?: string;
  body: string;
}

/** A browser's GET: to the console (in-process) or to the provider (over TCP), keeping cookies. */
async function browse(app: FastifyInstance, jar: CookieJar, url: string): Promise<Answer> {
  const target = new URL(url);
  if (target.origin === PUBLIC_URL) {
    const response = await app.inject({
      method: 'GET',
      url: `${target.pathname}${target.search}`,
      headers: { cookie: jar.header(PUBLIC_URL) },
    });
    jar.store(PUBLIC_URL, response.headers['set-cookie']);
    const location = response.headers.location;
    return {
      status: response.statusCode,
      body: response.body,
      ...(typeof location === 'string' ? { location: new URL(location, url).href } : {}),
    };
  }
  const response = await fetch(target, { redirect: 'manual', headers: { cookie: jar.header(target.origin) } });
  jar.store(target.origin, response.headers.getSetCookie());
  const location = response.headers.get('location');
  return {
    status: response.status,
    body: await response.text(),
    ...(location ? { location: new URL(location, url).href } : {}),
  };
}

/** Follows redirects from `url` until `stop` says so (or a page that is not a redirect). */
async function follow(
  app: FastifyInstance,
  jar: CookieJar,
  url: string,
  stop: (url: string) => boolean = () => false,
): Promise<{ url: string; answer?: Answer }> {
  let current = url;
  for (let hops = 0; hops < 15; hops += 1) {
    if (stop(current)) return { url: current };
    const answer = await browse(app, jar, current);
    if (!answer.location || answer.status < 300 || answer.status >= 400) return { url: current, answer };
    current = answer.location;
  }
  throw new Error(`more than 15 redirects from ${url}`);
}

function consoleApp(options: { allowedTeam?: string; allowedDomains?: string[] } = {}): FastifyInstance {
  const oidc = createOidcSignIn({
    issuer: new URL(issuer),
    clientId: CLIENT.client_id,
    clientSecret: CLIENT.client_secret,
    principalClaim: USER_ID_CLAIM,
    publicUrl: new URL(PUBLIC_URL),
    ...(options.allowedTeam ? { allowedTeam: options.allowedTeam } : {}),
    ...(options.allowedDomains ? { allowedDomains: options.allowedDomains } : {}),
  });
  // Sign-in and the session endpoints never reach Temporal, Postgres or the command layer.
  const unused = {} as never;
  const deps: WebAppDeps = {
    client: unused,
    taskQueue: 'unused',
    pool: unused,
    handler: unused,
    log: createLogger('silent'),
    environments: ['production'],
    policy: policyOf({ ENVIRONMENTS: ['production'] }),
    devLogin: true,
    oidc,
  };
  return createWebApp(deps);
}

const isCallback = (url: string) => url.startsWith(`${PUBLIC_URL}/auth/callback`);

describe('browser sign-in with OpenID Connect', () => {
  it('signs a Slack user in as their Slack user id: the session shows the principal, and a POST with the CSRF value works', async () => {
    const app = consoleApp({ allowedTeam: OUR_TEAM });
    const jar = new CookieJar();
    nextUser = { userId: 'U_ALICE', team: OUR_TEAM };

    const signedIn = await follow(app, jar, `${PUBLIC_URL}/auth/login`);
    expect(signedIn.url).toMatch(/\/auth\/callback\?/);
    expect(signedIn.answer?.status, signedIn.answer?.body).toBe(200);
    expect(signedIn.answer?.body).toContain('Signed in as U_ALICE');
    expect(jar.get(PUBLIC_URL, 'switchyard_sign_in')).toBeUndefined();

    const cookie = jar.header(PUBLIC_URL);
    expect(cookie).toContain('switchyard_session=');
    const session = await app.inject({ method: 'GET', url: '/api/v1/session', headers: { cookie } });
    expect(session.statusCode).toBe(200);
    expect(session.json()).toMatchObject({ principal: 'U_ALICE', via: 'session', csrfToken: expect.any(String) });

    const withoutCsrf = await app.inject({ method: 'POST', url: '/auth/logout', headers: { cookie } });
    expect(withoutCsrf.statusCode).toBe(403);
    const signedOut = await app.inject({
      method: 'POST',
      url: '/auth/logout',
      headers: { cookie, [CSRF_HEADER]: session.json().csrfToken },
    });
    expect(signedOut.statusCode).toBe(200);
    expect(String(signedOut.headers['set-cookie'])).toMatch(/switchyard_session=;.*Max-Age=0/);
    await app.close();
  });

  it('sets the session cookie HttpOnly and SameSite=Strict, and refuses dev sign-in while OIDC is configured', async () => {
    const app = consoleApp();
    const jar = new CookieJar();
    nextUser = { userId: 'U_BOB', team: 'T_ANY' };
    const login = await app.inject({ method: 'GET', url: '/auth/login' });
    expect(login.statusCode).toBe(302);
    expect(login.headers.location).toMatch(new RegExp(`^${issuer}/auth\\?.*code_challenge_method=S256`));
    expect(String(login.headers['set-cookie'])).toMatch(/switchyard_sign_in=.*HttpOnly; SameSite=Lax/);
    jar.store(PUBLIC_URL, login.headers['set-cookie']);
    const reachedCallback = await follow(app, jar, login.headers.location as string, isCallback);
    const callback = await app.inject({
      method: 'GET',
      url: reachedCallback.url.slice(PUBLIC_URL.length),
      headers: { cookie: jar.header(PUBLIC_URL) },
    });
    expect(callback.statusCode, callback.body).toBe(200);
    const sessionCookie = ([] as string[])
      .concat(callback.headers['set-cookie'] ?? [])
      .find((c) => c.startsWith('switchyard_session='));
    expect(sessionCookie).toMatch(/; Max-Age=\d+; Path=\/; HttpOnly; SameSite=Strict$/);

    const dev = await app.inject({ method: 'GET', url: '/dev-login?user=U_MALLORY' });
    expect(dev.statusCode).toBe(403);
    expect(dev.json().error.message).toContain('/auth/login');
    await app.close();
  });

  it('refuses a sign-in from another Slack workspace than OIDC_ALLOWED_TEAM', async () => {
    const app = consoleApp({ allowedTeam: OUR_TEAM });
    const jar = new CookieJar();
    nextUser = { userId: 'U_OUTSIDER', team: 'T_ELSEWHERE' };
    const outcome = await follow(app, jar, `${PUBLIC_URL}/auth/login`);
    expect(outcome.answer?.status).toBe(403);
    expect(JSON.parse(outcome.answer!.body)).toEqual({
      error: { code: 'FORBIDDEN', message: expect.stringMatching(/T_ELSEWHERE/) },
    });
    expect(jar.get(PUBLIC_URL, 'switchyard_session')).toBeUndefined();
    await app.close();
  });

  it('signs in only a verified email at OIDC_ALLOWED_DOMAINS, asking the provider for the email scope', async () => {
    const app = consoleApp({ allowedDomains: ['example.com', 'example.org'] });
    nextUser = { userId: 'U_ALICE', team: 'T_ANY', email: 'Alice@Example.com', verified: true };
    const login = await app.inject({ method: 'GET', url: '/auth/login' });
    expect(new URL(login.headers.location as string).searchParams.get('scope')).toBe('openid email');
    const jar = new CookieJar();
    const signedIn = await follow(app, jar, `${PUBLIC_URL}/auth/login`);
    expect(signedIn.answer?.status, signedIn.answer?.body).toBe(200);
    expect(jar.get(PUBLIC_URL, 'switchyard_session')).toBeDefined();

    for (const [email, verified, why] of [
      ['bob@elsewhere.net', true, 'you signed in as bob@elsewhere.net'],
      ['carol@example.com', false, 'carol@example.com, which the provider has not verified'],
      ['dave@eng.example.com', true, 'dave@eng.example.com'],
      ['eve@example.com.evil.net', true, 'eve@example.com.evil.net'],
      [undefined, undefined, 'an account the provider gave no email for'],
    ] as const) {
      nextUser = { userId: 'U_OUTSIDER', team: 'T_ANY', ...(email ? { email, verified } : {}) };
      const refusedJar = new CookieJar();
      const refused = await follow(app, refusedJar, `${PUBLIC_URL}/auth/login`);
      expect(refused.answer?.status, `${email}: ${refused.answer?.body}`).toBe(403);
      expect(JSON.parse(refused.answer!.body).error).toEqual({
        code: 'FORBIDDEN',
        message: expect.stringContaining('a verified email at example.com, example.org'),
      });
      expect(JSON.parse(refused.answer!.body).error.message).toContain(why);
      expect(refusedJar.get(PUBLIC_URL, 'switchyard_session')).toBeUndefined();
    }
    await app.close();
  });

  it('refuses an answer whose state was tampered with, and one this browser never started', async () => {
    const app = consoleApp();
    const jar = new CookieJar();
    nextUser = { userId: 'U_ALICE', team: OUR_TEAM };
    const reached = await follow(app, jar, `${PUBLIC_URL}/auth/login`, isCallback);
    const tampered = new URL(reached.url);
    tampered.searchParams.set('state', `${tampered.searchParams.get('state')}x`);
    const refused = await browse(app, jar, tampered.href);
    expect(refused.status).toBe(400);
    expect(JSON.parse(refused.body).error.message).toMatch(/state differs/);
    expect(jar.get(PUBLIC_URL, 'switchyard_session')).toBeUndefined();

    // The untampered answer is now useless too: the sign-in attempt was spent.
    const replayed = await browse(app, jar, reached.url);
    expect(replayed.status).toBe(400);
    const elsewhere = await browse(app, new CookieJar(), reached.url);
    expect(elsewhere.status).toBe(400);
    expect(JSON.parse(elsewhere.body).error.message).toMatch(/started in another browser/);
    await app.close();
  });
});
