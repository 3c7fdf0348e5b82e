import fastifyRateLimit, { normalizeIP } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from './api-error.js';

const WINDOW_MS = 60_000;

/**
 * What each limit allows per minute. Guessing a token or hammering sign-in is slow at 30 a minute;
 * `calls` is far above the console's polling (40 a minute per open page) or a deploy pipeline.
 */
export const LIMITS = { failedTokens: 30, signIn: 30, devLogin: 30, calls: 600 } as const;

/** Which per-address limit a route's requests count against before its handler runs. */
export type RouteLimit = 'signIn' | 'devLogin';

/**
 * The client's address as the limit's key. It is the peer's address unless TRUST_PROXY names the
 * balancer in front, in which case fastify reads it from X-Forwarded-For: without that, every
 * client behind one balancer would share the balancer's address and one of them could lock
 * everyone out. IPv6 addresses are keyed by their /64, which one client usually holds whole.
 */
const addressKey = (request: FastifyRequest) => `address:${normalizeIP(request.ip)}`;

/**
 * The API's limits, on @fastify/rate-limit's in-process store (an LRU per limit, so memory stays
 * bounded). Needs the plugin registered first (registerRateLimitPlugin).
 */
export function createRateLimits(app: FastifyInstance) {
  const limiter = (max: number, keyGenerator = addressKey) =>
    app.createRateLimit({ max, timeWindow: WINDOW_MS, keyGenerator });
  const failedTokens = limiter(LIMITS.failedTokens);
  const perRoute = { signIn: limiter(LIMITS.signIn), devLogin: limiter(LIMITS.devLogin) };
  const principals = new WeakMap<FastifyRequest, string>();
  const calls = limiter(LIMITS.calls, (request) => {
    const principal = principals.get(request);
    return principal === undefined ? addressKey(request) : `principal:${principal}`;
  });

  /** Refuses with 429 in the API's error shape, telling the client when to come back. */
  const refuse = (reply: FastifyReply, what: string, seconds: number): never => {
    reply.header('retry-after', String(seconds));
    throw new ApiError(`too many ${what}: try again in ${seconds} s`, 'RATE_LIMITED', 429);
  };

  return {
    /** Before a presented token is checked: an address past its failed attempts is refused whatever it sends. */
    async beforeToken(request: FastifyRequest, reply: FastifyReply): Promise<void> {
      const state = await failedTokens(request, { increment: false });
      if (!state.isAllowed && state.remaining === 0)
        refuse(reply, 'failed token attempts from this address', Math.max(1, state.ttlInSeconds));
    },
    /** A token that did not authenticate counts against the address it came from. */
    async tokenFailed(request: FastifyRequest): Promise<void> {
      await failedTokens(request);
    },
    /** One request of a sign-in route, per address. */
    async route(limit: RouteLimit, request: FastifyRequest, reply: FastifyReply): Promise<void> {
      const state = await perRoute[limit](request);
      if (!state.isAllowed && state.isExceeded) refuse(reply, 'sign-in attempts from this address', state.ttlInSeconds);
    },
    /** One API call, keyed by the principal once authenticated (a token or a session), by the address before. */
    async call(request: FastifyRequest, reply: FastifyReply, principal: string | undefined): Promise<void> {
      if (principal !== undefined) principals.set(request, principal);
      const state = await calls(request);
      if (!state.isAllowed && state.isExceeded)
        refuse(
          reply,
          principal === undefined ? 'calls from this address' : `calls from ${principal}`,
          state.ttlInSeconds,
        );
    },
  };
}
export type RateLimits = ReturnType<typeof createRateLimits>;

/** Registers the plugin without a global limit: the limits above apply where the routes ask for them. */
export function registerRateLimitPlugin(app: FastifyInstance): void {
  void app.register(fastifyRateLimit, { global: false });
}
