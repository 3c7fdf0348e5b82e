import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SdkKeyRecord } from '../storage/redis-keys.js';
import type { ReplyLike, RequestLike } from './http-like.js';

/** The routes browsers may call from another origin: OFREP evaluation, its event stream, and dynamic config. */
const CORS_PATHS = [/^\/ofrep\//, /^\/v1\/config(\/|$)/];
// Last-Event-ID: an EventSource reconnecting to the event stream sends it.
const ALLOW_HEADERS = 'Authorization, Content-Type, If-None-Match, Last-Event-ID';
const ALLOW_METHODS = 'GET, POST';
/** Browsers cache a preflight this long (seconds), so an SDK polling every few seconds is not preflighted each time. */
const MAX_AGE = '600';

const isCorsPath = (url: string | undefined) => url !== undefined && CORS_PATHS.some((path) => path.test(url));

function allowOrigin(reply: ReplyLike, origin: string): void {
  reply.header('access-control-allow-origin', origin);
  reply.header('access-control-expose-headers', 'ETag');
}

/**
 * CORS for the OFREP routes and `/v1/config`, so a browser SDK on an allowed origin can call
 * the evaluator: preflights answered 204 (Authorization, Content-Type and If-None-Match allowed),
 * and ETag exposed so the browser can send it back in If-None-Match. A request from an origin
 * not allowed gets no CORS headers, so the browser refuses to hand it the answer.
 *
 * Origins are allowed globally (`origins`, EVALUATOR_CORS_ORIGINS) or by an SDK key: an actual
 * request from a key's origin is marked once the key is known (`allowKeyOrigin`), while a
 * preflight, which carries no key, is answered for the origin of any key `keyOrigins` holds.
 *
 * Register it before the routes: the global hook is added only to the matching routes as they
 * are declared, so no other route pays for it, and only when global origins are configured.
 * With no origin allowed anywhere, preflights are answered 404, as without CORS.
 *
 * Returns the headers step of the actual requests (undefined without global origins), which the
 * fast path (ofrep-fast-path.ts) runs where fastify runs the hook.
 */
export function registerCors(
  app: FastifyInstance,
  origins: readonly string[],
  keyOrigins?: () => ReadonlySet<string>,
): CorsHeaders | undefined {
  if (origins.length === 0 && keyOrigins === undefined) return undefined;
  const any = origins.includes('*');
  const allowed = new Set(origins);
  const allows = (origin: string | undefined): origin is string => origin !== undefined && (any || allowed.has(origin));

  let corsHeaders: CorsHeaders | undefined;
  if (origins.length > 0) {
    // The hot path: one header lookup for a request without Origin (every server-side SDK).
    const headersFor: CorsHeaders = (request, reply) => {
      const origin = request.headers.origin;
      if (origin !== undefined) {
        // The answer depends on Origin: caches must not hand one origin's answer to another.
        reply.header('vary', 'Origin');
        if (allows(origin)) allowOrigin(reply, origin);
      }
    };
    corsHeaders = headersFor;
    const addHeaders = (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
      headersFor(request, reply);
      done();
    };
    app.addHook('onRoute', (route) => {
      if (route.method === 'OPTIONS' || !isCorsPath(route.url)) return;
      const existing =
        route.onRequest === undefined ? [] : Array.isArray(route.onRequest) ? route.onRequest : [route.onRequest];
      route.onRequest = [addHeaders, ...existing];
    });
  }

  const preflight = (request: FastifyRequest, reply: FastifyReply) => {
    const byKeys = keyOrigins?.();
    if (allowed.size === 0 && (byKeys === undefined || byKeys.size === 0)) return reply.callNotFound();
    const origin = request.headers.origin;
    reply.header('vary', 'Origin');
    if (allows(origin) || (origin !== undefined && byKeys?.has(origin) === true)) {
      allowOrigin(reply, origin);
      reply.header('access-control-allow-methods', ALLOW_METHODS);
      reply.header('access-control-allow-headers', ALLOW_HEADERS);
      reply.header('access-control-max-age', MAX_AGE);
    }
    return reply.code(204).send();
  };
  app.options('/ofrep/*', preflight);
  app.options('/v1/config', preflight);
  app.options('/v1/config/*', preflight);
  return corsHeaders;
}

/** Adds the CORS headers of globally allowed origins to an actual request's answer. */
export type CorsHeaders = (request: Pick<RequestLike, 'headers'>, reply: ReplyLike) => void;

/**
 * Marks the answer for the request's origin when `record`, the key the request presents, allows
 * it, on the routes browsers may call. A request without Origin pays one header lookup.
 */
export function allowKeyOrigin(
  request: Pick<RequestLike, 'headers' | 'routeOptions'>,
  reply: ReplyLike,
  record: SdkKeyRecord,
): void {
  const origin = request.headers.origin;
  if (origin === undefined || record.origins === undefined || !isCorsPath(request.routeOptions.url)) return;
  reply.header('vary', 'Origin');
  if (record.origins.includes(origin)) allowOrigin(reply, origin);
}
