import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSettings } from '../cli/settings.js';
import { createOidcSignIn, isLoopbackHttp, oidcOptionsOf } from './oidc.js';
import { webStartProblem } from './settings.js';

const SIGN_IN_WITH_SLACK = {
  OIDC_ISSUER: 'https://slack.com',
  OIDC_CLIENT_ID: 'id',
  OIDC_CLIENT_SECRET: 'secret',
  WEB_PUBLIC_URL: 'https://switchyard.example.com',
};

/** `switchyard web` as an operator starts it, in a process of its own. */
function switchyardWeb(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const main = join(import.meta.dirname, '..', 'cli', 'main.ts');
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', main, 'web'],
      { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env }, timeout: 30_000 },
      (error, _stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stderr }),
    );
  });
}

describe('the sign-in settings', () => {
  it('leave OIDC off when OIDC_ISSUER is unset, with the principal taken from sub by default', () => {
    const parsed = parseSettings({});
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.settings.OIDC_PRINCIPAL_CLAIM).toBe('sub');
    expect(oidcOptionsOf(parsed.settings)).toBeUndefined();
  });

  it('name each variable OIDC still needs on a line of its own', () => {
    const parsed = parseSettings({ OIDC_ISSUER: 'https://slack.com' });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    const lines = parsed.message.split('\n');
    expect(lines.map((l) => l.split(' ')[2]).sort()).toEqual([
      'OIDC_CLIENT_ID',
      'OIDC_CLIENT_SECRET',
      'WEB_PUBLIC_URL',
    ]);
    expect(lines.every((l) => l.includes('is required when OIDC_ISSUER is set'))).toBe(true);
  });

  it('refuse an issuer or public URL that is not an http(s) URL', () => {
    const parsed = parseSettings({
      OIDC_ISSUER: 'slack.com',
      OIDC_CLIENT_ID: 'id',
      OIDC_CLIENT_SECRET: 'secret',
      WEB_PUBLIC_URL: 'ftp://example.com',
    });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(
      parsed.message
        .split('\n')
        .map((l) => l.split(' ')[2])
        .sort(),
    ).toEqual(['OIDC_ISSUER', 'WEB_PUBLIC_URL']);
  });

  it('describe Sign in with Slack from the environment', () => {
    const parsed = parseSettings({
      OIDC_ISSUER: 'https://slack.com',
      OIDC_CLIENT_ID: 'id',
      OIDC_CLIENT_SECRET: 'secret',
      OIDC_PRINCIPAL_CLAIM: 'https://slack.com/user_id',
      OIDC_ALLOWED_TEAM: 'T123',
      WEB_PUBLIC_URL: 'https://switchyard.example.com',
    });
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(oidcOptionsOf(parsed.settings)).toMatchObject({
      principalClaim: 'https://slack.com/user_id',
      allowedTeam: 'T123',
      publicUrl: new URL('https://switchyard.example.com'),
    });
  });
});

describe('the OIDC allow-list', () => {
  it('reads OIDC_ALLOWED_DOMAINS as lowercase email domains, and refuses one that is not a domain', () => {
    const parsed = parseSettings({ ...SIGN_IN_WITH_SLACK, OIDC_ALLOWED_DOMAINS: 'Example.com, @example.org' });
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(oidcOptionsOf(parsed.settings)).toMatchObject({ allowedDomains: ['example.com', 'example.org'] });
    const bad = parseSettings({ ...SIGN_IN_WITH_SLACK, OIDC_ALLOWED_DOMAINS: 'example.com,not a domain' });
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.message).toMatch(
      /^configuration error: OIDC_ALLOWED_DOMAINS has not a domain, which is not an email domain/,
    );
  });

  it('is required to start `switchyard web` with OIDC, and either variable is one', () => {
    expect(webStartProblem({ OIDC_ISSUER: 'https://slack.com' })).toMatch(
      /^configuration error: OIDC_ALLOWED_TEAM or OIDC_ALLOWED_DOMAINS is required when OIDC_ISSUER is set/,
    );
    expect(webStartProblem({ OIDC_ISSUER: 'https://slack.com', OIDC_ALLOWED_TEAM: 'T1' })).toBeUndefined();
    expect(
      webStartProblem({ OIDC_ISSUER: 'https://slack.com', OIDC_ALLOWED_DOMAINS: ['example.com'] }),
    ).toBeUndefined();
    expect(webStartProblem({})).toBeUndefined();
  });

  it('stops `switchyard web` with one line naming both variables, exit 2, before it connects to anything', async () => {
    // Nothing listens at these addresses: had it tried to connect, it would say so instead.
    const run = await switchyardWeb({
      ...SIGN_IN_WITH_SLACK,
      DATABASE_URL: 'postgres://nobody@127.0.0.1:9/none',
      TEMPORAL_ADDRESS: '127.0.0.1:9',
    });
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^configuration error: OIDC_ALLOWED_TEAM or OIDC_ALLOWED_DOMAINS is required when OIDC_ISSUER is set/,
      ),
    ]);
  }, 40_000);
});

describe('sign-in cookies', () => {
  const options = {
    issuer: new URL('https://slack.com'),
    clientId: 'id',
    clientSecret: 'secret',
    principalClaim: 'sub',
  };
  it('are Secure unless the console is plain http on loopback', () => {
    expect(createOidcSignIn({ ...options, publicUrl: new URL('https://switchyard.example.com') }).secureCookies).toBe(
      true,
    );
    expect(createOidcSignIn({ ...options, publicUrl: new URL('http://switchyard.internal:8090') }).secureCookies).toBe(
      true,
    );
    expect(createOidcSignIn({ ...options, publicUrl: new URL('http://localhost:8090') }).secureCookies).toBe(false);
    expect(createOidcSignIn({ ...options, publicUrl: new URL('http://127.0.0.1:8090') }).secureCookies).toBe(false);
    expect(isLoopbackHttp(new URL('https://127.0.0.1'))).toBe(false);
  });

  it('come back to <WEB_PUBLIC_URL>/auth/callback, under a path prefix too', () => {
    expect(createOidcSignIn({ ...options, publicUrl: new URL('https://example.com/switchyard') }).redirectUri).toBe(
      'https://example.com/switchyard/auth/callback',
    );
    expect(createOidcSignIn({ ...options, publicUrl: new URL('https://example.com/') }).redirectUri).toBe(
      'https://example.com/auth/callback',
    );
  });
});
