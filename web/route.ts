import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ValidationError } from '../core/errors.js';
import type { ApiDeps, Caller } from './api-deps.js';
import { authenticate } from './auth.js';
import type { RouteLimit } from './rate-limits.js';

export interface RouteInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  /** Undefined only on routes with `auth: false`. */
  caller: Caller;
}

export interface RouteContext {
  deps: ApiDeps;
  request: FastifyRequest;
  reply: FastifyReply;
}

/**
 * One entry of the route table: the zod schemas validate the request and, with `response`, are
 * the OpenAPI document (web/openapi.ts), so what is served and what is documented cannot drift.
 */
export interface ApiRoute {
  method: 'GET' | 'POST';
  /** fastify form, e.g. `/api/v1/flags/:key`. */
  path: string;
  summary: string;
  tag: string;
  /** Default true: the caller must present a token or a session. */
  auth?: boolean;
  /** A per-address limit its requests count against before anything else (sign-in routes). */
  limit?: RouteLimit;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  response: z.ZodType;
  /** The success status; default 200. */
  status?: number;
  handle(input: RouteInput<unknown, unknown, unknown>, ctx: RouteContext): Promise<unknown>;
}

/** Declares a route with its handler typed by its schemas. */
export function route<P = undefined, Q = undefined, B = undefined>(
  definition: Omit<ApiRoute, 'handle' | 'params' | 'query' | 'body'> & {
    params?: z.ZodType<P>;
    query?: z.ZodType<Q>;
    body?: z.ZodType<B>;
    handle(input: RouteInput<P, Q, B>, ctx: RouteContext): Promise<unknown>;
  },
): ApiRoute {
  return definition as ApiRoute;
}

/** A request part checked against its schema; the failure names each bad field and what it must be. */
function parsePart(schema: z.ZodType | undefined, value: unknown, where: 'path' | 'query' | 'body'): unknown {
  if (!schema) return undefined;
  const result = schema.safeParse(where === 'body' && value === undefined ? {} : value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const field = issue.path.length ? issue.path.join('.') : where;
    return `${where === 'body' ? 'body' : where} ${field}: ${issue.message}`;
  });
  throw new ValidationError(`bad request: ${problems.join('; ')}`);
}

/** Mounts every route of the table: limit, authenticate, limit per caller, validate, handle, answer JSON. */
export function registerRoutes(app: FastifyInstance, routes: readonly ApiRoute[], deps: ApiDeps): void {
  for (const entry of routes) {
    app.route({
      method: entry.method,
      url: entry.path,
      handler: async (request, reply) => {
        if (entry.limit) await deps.limits.route(entry.limit, request, reply);
        const caller = entry.auth === false ? undefined : await authenticate(request, reply, deps);
        await deps.limits.call(request, reply, caller?.principal);
        const input: RouteInput<unknown, unknown, unknown> = {
          params: parsePart(entry.params, request.params, 'path'),
          query: parsePart(entry.query, request.query, 'query'),
          body: parsePart(entry.body, request.body, 'body'),
          caller: caller as Caller,
        };
        const result = await entry.handle(input, { deps, request, reply });
        if (reply.sent) return reply;
        return reply.code(entry.status ?? 200).send(result);
      },
    });
  }
}
