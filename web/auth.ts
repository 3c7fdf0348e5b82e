import type { FastifyReply, FastifyRequest } from 'fastify';
import { checkApiToken } from '../storage/api-tokens.js';
import { forbidden, unauthenticated } from './api-error.js';
import type { ApiDeps, Caller } from './api-deps.js';
import { CSRF_HEADER, csrfMatches, SESSION_COOKIE } from './session.js';

const HOW_TO_AUTHENTICATE =
  'send `Authorization: Bearer <token>` (create one with `switchyard token create --principal <id> --name <what uses it>`)';

const TOKEN_REFUSED = {
  unknown: 'this API token is not known',
  expired: 'this API token has expired: create a new one with `switchyard token create`',
  revoked: 'this API token was revoked: create a new one with `switchyard token create`',
} as const;

/** Safe methods change nothing; every other one is a state change a browser must prove it meant. */
const isStateChange = (method: string) => !['GET', 'HEAD', 'OPTIONS'].includes(method);

/**
 * Who the request acts as: a bearer token (automation) or a signed session cookie (a browser).
 * Cookie-authenticated state changes must echo the session's CSRF value in `X-CSRF-Token`; a
 * bearer token is never sent by a browser on its own, so it needs none. Failed token attempts
 * count against the caller's address. A session cookie that cannot be read (expired, signed
 * before a restart, altered, or not even well-formed) signs nobody in, as an expired one always did.
 */
export async function authenticate(request: FastifyRequest, reply: FastifyReply, deps: ApiDeps): Promise<Caller> {
  const header = request.headers.authorization;
  if (header !== undefined) {
    await deps.limits.beforeToken(request, reply);
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) throw unauthenticated(`the Authorization header must be \`Bearer <token>\`: ${HOW_TO_AUTHENTICATE}`);
    const checked = await checkApiToken(deps.pool, match[1]!, deps.now());
    if (!checked.ok) {
      await deps.limits.tokenFailed(request);
      throw unauthenticated(TOKEN_REFUSED[checked.reason]);
    }
    return { principal: checked.principal, via: 'token', tokenId: checked.tokenId };
  }
  const cookie = request.cookies[SESSION_COOKIE];
  const session = deps.sessions.read(cookie);
  if (session) {
    if (isStateChange(request.method) && !csrfMatches(session, headerText(request.headers[CSRF_HEADER]))) {
      throw forbidden(
        `a change from a browser session needs the ${CSRF_HEADER} header with the value GET /api/v1/session returns`,
      );
    }
    return { principal: session.principal, via: 'session', session };
  }
  if (cookie)
    throw unauthenticated(
      `the ${SESSION_COOKIE} cookie is no longer a valid session (it expired, the server restarted, or it was altered): sign in again, or ${HOW_TO_AUTHENTICATE}`,
    );
  throw unauthenticated(`who is calling? ${HOW_TO_AUTHENTICATE}`);
}

/**
 * Whether a Host header names this machine's loopback: localhost, 127.0.0.1 or [::1], with any port.
 * Read from the header itself, not from X-Forwarded-Host: a page on another site whose name
 * resolves to 127.0.0.1 (DNS rebinding) reaches a loopback listener with its own name in Host.
 */
export const isLoopbackHost = (host: string | undefined): boolean =>
  /^(localhost|127\.0\.0\.1|\[::1\])(:\d{1,5})?$/i.test(host ?? '');

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
