import { z } from 'zod';
import { forbidden } from '../api-error.js';
import { isLoopbackHost } from '../auth.js';
import { route } from '../route.js';
import { cookieOptions, CSRF_HEADER, SESSION_COOKIE } from '../session.js';

const sessionView = z.object({
  principal: z.string(),
  via: z.enum(['token', 'session']),
  csrfToken: z.string().optional().describe(`send it as ${CSRF_HEADER} on every POST made with the session cookie`),
  expiresAt: z.string().optional(),
});

export const sessionRoutes = [
  route({
    method: 'GET',
    path: '/api/v1/session',
    summary: 'Who the caller is; for a browser session, the CSRF value its state changes must send',
    tag: 'session',
    response: sessionView,
    handle: async ({ caller }) =>
      caller.via === 'session'
        ? {
            principal: caller.principal,
            via: caller.via,
            csrfToken: caller.session.csrf,
            expiresAt: new Date(caller.session.expiresAt).toISOString(),
          }
        : { principal: caller.principal, via: caller.via },
  }),
  route({
    method: 'GET',
    path: '/dev-login',
    summary:
      '`switchyard dev` only, on loopback: sign in as any principal (sets an HttpOnly, SameSite=Strict session cookie)',
    tag: 'session',
    auth: false,
    limit: 'devLogin',
    query: z.object({ user: z.string().regex(/^\S{1,200}$/, 'must be a principal id, e.g. U_ALICE') }).strict(),
    response: sessionView,
    handle: async ({ query }, { deps, request, reply }) => {
      if (deps.oidc) throw forbidden('dev sign-in is off because OIDC is configured: sign in at /auth/login');
      if (!deps.devLogin)
        throw forbidden(
          'dev sign-in works only under `switchyard dev` listening on loopback; use an API token (`switchyard token create`)',
        );
      if (!isLoopbackHost(request.headers.host))
        throw forbidden(
          `dev sign-in answers only a browser that opened it as localhost, 127.0.0.1 or [::1] (this request names the host ${JSON.stringify(request.headers.host ?? '')}): open it at http://127.0.0.1:<port>/dev-login`,
        );
      const { session, value } = deps.sessions.issue(query.user);
      reply.setCookie(
        SESSION_COOKIE,
        value,
        cookieOptions({ maxAgeSeconds: deps.sessions.maxAgeSeconds, secure: false }),
      );
      // A person who opened the link in a browser wants the console, not JSON.
      if (request.headers.accept?.includes('text/html')) return reply.redirect('/', 303);
      return {
        principal: session.principal,
        via: 'session' as const,
        csrfToken: session.csrf,
        expiresAt: new Date(session.expiresAt).toISOString(),
      };
    },
  }),
  route({
    method: 'POST',
    path: '/auth/logout',
    summary: 'Sign out: clears the session cookie (a browser must send its CSRF value, as for every POST)',
    tag: 'session',
    response: z.object({ signedOut: z.literal(true) }),
    handle: async (_input, { deps, reply }) => {
      // Sessions are sealed cookies, not server records: signing out is the browser forgetting it.
      reply.setCookie(
        SESSION_COOKIE,
        '',
        cookieOptions({ maxAgeSeconds: 0, secure: deps.oidc?.secureCookies ?? false }),
      );
      return { signedOut: true as const };
    },
  }),
];
