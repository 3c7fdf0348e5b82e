import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import type { SdkKeyRecord } from '../storage/redis-keys.js';
import { authorize, type Scope } from './authorize.js';

const keys: Record<string, SdkKeyRecord> = {
  sy_flags_only: { id: 'k-1', env: 'production', scopes: ['flags', 'config'], name: 'checkout' },
  sy_client: {
    id: 'k-2',
    env: 'production',
    scopes: ['flags', 'config', 'secrets'],
    name: 'storefront',
    origins: ['https://shop.example'],
  },
};
const store = { findSdkKey: (token: string) => keys[token] };

/** One route per way of answering: Switchyard's own (explained) and OFREP's (bodies left empty). */
function app() {
  const server = Fastify();
  const route = (path: string, scope: Scope, explain?: string) =>
    server.get(path, async (request, reply) => {
      const record = authorize(store, request, reply, scope, explain === undefined ? {} : { explain });
      return record ? { ok: record.id } : reply;
    });
  route('/v1/secrets/x', 'secrets', '/v1/secrets');
  route('/ofrep/x', 'secrets');
  route('/ofrep/flags', 'flags');
  route('/v1/unexplained', 'flags');
  return server;
}

const call = (url: string, token?: string) =>
  app().inject({ method: 'GET', url, headers: token ? { authorization: `Bearer ${token}` } : {} });

describe('SDK key authorization', () => {
  it('a key without the secrets scope gets a 403 on /v1/secrets whose JSON body names the missing scope and what to create', async () => {
    const response = await call('/v1/secrets/x', 'sy_flags_only');
    expect(response.statusCode).toBe(403);
    expect(response.json()).toEqual({
      errorCode: 'FORBIDDEN',
      missingScope: 'secrets',
      errorDetails:
        'SDK key k-1 ("checkout") has the scope(s) flags, config, not secrets, which /v1/secrets needs: use a key created with --scopes secrets (switchyard key create --env production --scopes secrets)',
    });
  });

  it('an unknown or missing key gets a 401 that says what to send', async () => {
    expect((await call('/v1/secrets/x')).json().errorDetails).toMatch(
      /^no SDK key: send the header Authorization: Bearer <key>/,
    );
    const unknown = await call('/v1/secrets/x', 'sy_revoked');
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json().errorDetails).toMatch(/unknown, revoked, or past the grace period/);
  });

  it('OFREP routes keep their protocol-mandated empty bodies', async () => {
    const forbidden = await call('/ofrep/x', 'sy_flags_only');
    expect([forbidden.statusCode, forbidden.body]).toEqual([403, '']);
    const unknown = await call('/ofrep/x', 'sy_nope');
    expect([unknown.statusCode, unknown.body, unknown.headers['www-authenticate']]).toEqual([401, '', 'Bearer']);
  });

  it('a client key reaches OFREP routes only: elsewhere a 403 whose JSON body says why, whatever its scopes', async () => {
    expect((await call('/ofrep/flags', 'sy_client')).json()).toEqual({ ok: 'k-2' });
    const secrets = await call('/v1/secrets/x', 'sy_client');
    expect(secrets.statusCode).toBe(403);
    expect(secrets.json()).toEqual({
      errorCode: 'FORBIDDEN',
      keyKind: 'client',
      errorDetails:
        'a client key (bound to browser origins) may only evaluate flags over OFREP; use a server key for /v1/secrets: ' +
        'SDK key k-2 ("storefront") is bound to https://shop.example; create one without --origin (switchyard key create --env production --scopes secrets)',
    });
    // A route that forgot to explain itself is still closed to client keys, and still says why.
    const unexplained = await call('/v1/unexplained', 'sy_client');
    expect(unexplained.statusCode).toBe(403);
    expect(unexplained.json().errorDetails).toMatch(/^a client key .* use a server key for \/v1\/unexplained: /);
    expect((await call('/v1/unexplained', 'sy_flags_only')).json()).toEqual({ ok: 'k-1' });
  });
});
