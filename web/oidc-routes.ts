import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from './api-deps.js';
import { SIGN_IN_COOKIE, type OidcSignIn } from './oidc.js';
import { cookieOptions, SESSION_COOKIE } from './session.js';

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
  // Lax, not Strict: the provider's redirect back is a navigation from another site, and this
  // cookie must come with it. It holds nothing that signs anyone in.
  const pending = (maxAgeSeconds: number) =>
    cookieOptions({ maxAgeSeconds, secure: oidc.secureCookies, sameSite: 'lax', path: callbackPath });

  app.get('/auth/login', async (request, reply) => {
    await deps.limits.route('signIn', request, reply);
    const { url, cookie, maxAgeSeconds } = await oidc.start();
    reply.setCookie(SIGN_IN_COOKIE, cookie, pending(maxAgeSeconds));
    return reply.redirect(url, 302);
  });

  app.get('/auth/callback', async (request, reply) => {
    await deps.limits.route('signIn', request, reply);
    // A sign-in attempt is used once, whatever its outcome.
    reply.setCookie(SIGN_IN_COOKIE, '', pending(0));
    const principal = await oidc.finish(new URL(request.url, oidc.redirectUri), request.cookies[SIGN_IN_COOKIE]);
    const { value } = deps.sessions.issue(principal);
    deps.log.info({ principal }, 'signed in with OIDC');
    reply.setCookie(
      SESSION_COOKIE,
      value,
      cookieOptions({ maxAgeSeconds: deps.sessions.maxAgeSeconds, secure: oidc.secureCookies }),
    );
    return reply.code(200).type('text/html; charset=utf-8').send(SIGNED_IN_PAGE(principal));
  });
}
