import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** The routes browsers may call from another origin: OFREP evaluation, its event stream, and dynamic config. */
const CORS_PATHS = [/^\/ofrep\//, /^\/v1\/config(\/|$)/];
// Last-Event-ID: an EventSource reconnecting to the event stream sends it.
const ALLOW_HEADERS = 'Authorization, Content-Type, If-None-Match, Last-Event-ID';
const ALLOW_METHODS = 'GET, POST';
/** Browsers cache a preflight this long (seconds), so an SDK polling every few seconds is not preflighted each time. */
const MAX_AGE = '600';

/**
 * CORS for the OFREP routes and `/v1/config`, so a browser SDK on an allowed origin can call
 * the evaluator: preflights answered 204 (Authorization, Content-Type and If-None-Match allowed),
 * and ETag exposed so the browser can send it back in If-None-Match. A request from an origin
 * not listed gets no CORS headers, so the browser refuses to hand it the answer.
 *
 * Register it before the routes: it adds its hook only to the matching routes as they are
 * declared, so no other route pays for it, and with no origins configured it adds nothing
 * (the routes answer preflights 404, as without CORS).
 */
export function registerCors(app: FastifyInstance, origins: readonly string[]): void {
  if (origins.length === 0) return;
  const any = origins.includes('*');
  const allowed = new Set(origins);
  const allows = (origin: string | undefined): origin is string => origin !== undefined && (any || allowed.has(origin));

  // The hot path: one header lookup for a request without Origin (every server-side SDK).
  const addHeaders = (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    const origin = request.headers.origin;
    if (origin !== undefined) {
      // The answer depends on Origin: caches must not hand one origin's answer to another.
      reply.header('vary', 'Origin');
      if (allows(origin)) {
        reply.header('access-control-allow-origin', origin);
        reply.header('access-control-expose-headers', 'ETag');
      }
    }
    done();
  };

  app.addHook('onRoute', (route) => {
    if (route.method === 'OPTIONS' || !CORS_PATHS.some((path) => path.test(route.url))) return;
    const existing = route.onRequest === undefined ? [] : Array.isArray(route.onRequest) ? route.onRequest : [route.onRequest];
    route.onRequest = [addHeaders, ...existing];
  });

  const preflight = (request: FastifyRequest, reply: FastifyReply) => {
    const origin = request.headers.origin;
    reply.header('vary', 'Origin');
    if (allows(origin)) {
      reply.header('access-control-allow-origin', origin);
      reply.header('access-control-allow-methods', ALLOW_METHODS);
      reply.header('access-control-allow-headers', ALLOW_HEADERS);
      reply.header('access-control-expose-headers', 'ETag');
      reply.header('access-control-max-age', MAX_AGE);
    }
    return reply.code(204).send();
  };
  app.options('/ofrep/*', preflight);
  app.options('/v1/config', preflight);
  app.options('/v1/config/*', preflight);
}
