import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../storage/logger.js';
import { createWebApp, type WebAppDeps } from './server.js';
import { policyOf } from '../core/policy.js';

// Serving the console never reaches Temporal, Postgres or the command layer.
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
};

const build = mkdtempSync(join(tmpdir(), 'switchyard-console-'));
mkdirSync(join(build, 'assets'));
writeFileSync(join(build, 'index.html'), '<!doctype html><title>Switchyard</title><div id="root"></div>');
writeFileSync(join(build, 'assets', 'index-abc123.js'), 'console.log("console")');
afterAll(() => rmSync(build, { recursive: true, force: true }));

describe('switchyard web serving the console', () => {
  const app = createWebApp(deps, { consoleDir: build });
  afterAll(() => app.close());

  it('serves the build at / and for any page path, with headers that keep it same-origin and unframed', async () => {
    for (const url of ['/', '/index.html', '/flags/checkout-v2']) {
      const page = await app.inject({ method: 'GET', url });
      expect(page.statusCode, url).toBe(200);
      expect(page.headers['content-type'], url).toMatch(/text\/html/);
      expect(page.body).toContain('<div id="root">');
      expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    }
    const asset = await app.inject({ method: 'GET', url: '/assets/index-abc123.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.body).toBe('console.log("console")');
    expect(asset.headers['cache-control']).toMatch(/immutable/);
    // A path that climbs out of the build is just another page path: the console, never the file.
    const outside = await app.inject({ method: 'GET', url: '/..%2F..%2F..%2F..%2Fetc%2Fpasswd' });
    expect(outside.body).toContain('<div id="root">');
  });

  it('leaves the API its own answers: routes keep priority, an unknown API path is the JSON 404', async () => {
    expect((await app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ ok: true });
    expect((await app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json()).toMatchObject({
      openapi: expect.stringMatching(/^3/),
    });
    const unknown = await app.inject({ method: 'GET', url: '/api/v1/nowhere' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toEqual({
      error: { code: 'NOT_FOUND', message: expect.stringContaining('/api/v1/nowhere') },
    });
    expect((await app.inject({ method: 'GET', url: '/api/v1/sign-in' })).json()).toEqual({
      oidc: false,
      devLogin: true,
    });
  });

  it('sends a browser that opens the dev sign-in link to the console, signed in', async () => {
    const browser = await app.inject({
      method: 'GET',
      url: '/dev-login?user=U_ALICE',
      headers: { accept: 'text/html,application/xhtml+xml' },
    });
    expect(browser.statusCode).toBe(303);
    expect(browser.headers.location).toBe('/');
    expect(String(browser.headers['set-cookie'])).toMatch(/^switchyard_session=.*HttpOnly; SameSite=Strict/);
    const script = await app.inject({ method: 'GET', url: '/dev-login?user=U_ALICE' });
    expect(script.json()).toMatchObject({ principal: 'U_ALICE', via: 'session' });
  });

  it('says how to build the console when there is no build, rather than failing', async () => {
    const bare = createWebApp(deps, { consoleDir: join(build, 'missing') });
    const page = await bare.inject({ method: 'GET', url: '/' });
    expect(page.statusCode).toBe(404);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.body).toContain('The console is not built: run <code>npm run build</code>');
    await bare.close();
  });
});
