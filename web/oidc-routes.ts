import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ApiDeps } from './api-deps.js';
import { rateLimited } from './auth.js';
import { SIGN_IN_COOKIE, type OidcSignIn } from './oidc.js';
import { cookieHeader, cookieValue, SESSION_COOKIE } from './session.js';

/**
 * The page the callback answers with. The session cookie is SameSite=Strict, and a browser does not
 * send such a cookie on a navigation that began at the provider (another site), so the console is
 * opened by this page instead of by a redirect.
 */
const SIGNED_IN_PAGE = (principal: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=/"><title>Signed in</title></head>` +
  `<body><p>Signed in as ${principal.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)}. <a href="/">Open the console</a>.</p></body></html>`;

/** `GET /auth/login` and `GET /auth/callback`; mounted only when OIDC_ISSUER is set. */
export function registerOidcRoutes(app: FastifyInstance, deps: ApiDeps, oidc: OidcSignIn): void {
  // The path the browser sees, which includes any prefix WEB_PUBLIC_URL has behind a proxy.
  const callbackPath = new URL(oidc.redirectUri).pathname;
  const limit = (request: FastifyRequest) => {
    const key = `sign-in:${request.ip}`;
    if (!deps.limiter.allow(key)) throw rateLimited(deps, key);
  };

  app.get('/auth/login', async (request, reply) => {
    limit(request);
    const { url, cookie, maxAgeSeconds } = await oidc.start();
    // Lax, not Strict: the provider's redirect back is a navigation from another site, and this
    // cookie must come with it. It holds nothing that signs anyone in.
    reply.header(
      'set-cookie',
      cookieHeader(SIGN_IN_COOKIE, cookie, {
        maxAgeSeconds,
        secure: oidc.secureCookies,
        sameSite: 'Lax',
        path: callbackPath,
      }),
    );
    return reply.redirect(url, 302);
  });

  app.get('/auth/callback', async (request, reply) => {
    limit(request);
    const clearPending = cookieHeader(SIGN_IN_COOKIE, '', {
      maxAgeSeconds: 0,
      secure: oidc.secureCookies,
      sameSite: 'Lax',
      path: callbackPath,
    });
    // A sign-in attempt is used once, whatever its outcome.
    reply.header('set-cookie', clearPending);
    const principal = await oidc.finish(
      new URL(request.url, oidc.redirectUri),
      cookieValue(request.headers.cookie, SIGN_IN_COOKIE),
    );
    const { value } = deps.sessions.issue(principal);
    deps.log.info({ principal }, 'signed in with OIDC');
    reply.header('set-cookie', [
      clearPending,
      cookieHeader(SESSION_COOKIE, value, { maxAgeSeconds: deps.sessions.maxAgeSeconds, secure: oidc.secureCookies }),
    ]);
    return reply.code(200).type('text/html; charset=utf-8').send(SIGNED_IN_PAGE(principal));
  });
}
