import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../storage/logger.js';
import { createWebApp } from './server.js';
import { policyOf } from '../core/policy.js';

// Dev sign-in never reaches Temporal, Postgres or the command layer.
const unused = {} as never;
const app = createWebApp({
  client: unused,
  taskQueue: 'unused',
  pool: unused,
  handler: unused,
  log: createLogger('silent'),
  environments: ['production'],
  policy: policyOf({ ENVIRONMENTS: ['production'] }),
  devLogin: true,
});
afterAll(() => app.close());

const devLogin = (host: string, headers: Record<string, string> = {}) =>
  app.inject({ method: 'GET', url: '/dev-login?user=U_ALICE', headers: { host, ...headers } });

describe('dev sign-in and the Host header', () => {
  it('signs in a browser that opened it by a loopback name, whatever the port', async () => {
    for (const host of ['localhost', 'localhost:8090', '127.0.0.1:8090', '[::1]:8090', '[::1]', 'LocalHost:5173']) {
      const answer = await devLogin(host);
      expect(answer.statusCode, `${host}: ${answer.body}`).toBe(200);
      expect(answer.json()).toMatchObject({ principal: 'U_ALICE', via: 'session' });
    }
  });

  it('refuses any other name with a 403 and no session: a rebinding page reaches loopback under its own name', async () => {
    for (const host of [
      'evil.example',
      'evil.example:8090',
      'localhost.evil.example',
      '127.0.0.1.nip.io:8090',
      '127.0.0.2:8090',
      '192.168.1.20:8090',
      'localhost:8090@evil.example',
    ]) {
      const answer = await devLogin(host);
      expect(answer.statusCode, host).toBe(403);
      expect(answer.json().error).toEqual({
        code: 'FORBIDDEN',
        message: expect.stringContaining(`only a browser that opened it as localhost, 127.0.0.1 or [::1]`),
      });
      expect(answer.json().error.message).toContain(JSON.stringify(host));
      expect(answer.headers['set-cookie']).toBeUndefined();
    }
  });

  it('looks at Host itself, never at X-Forwarded-Host', async () => {
    const answer = await devLogin('evil.example', { 'x-forwarded-host': 'localhost:8090' });
    expect(answer.statusCode).toBe(403);
  });
});
