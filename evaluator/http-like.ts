import type { IncomingHttpHeaders, ServerResponse } from 'node:http';

/**
 * What the OFREP answers read of a request. A fastify request is one; the fast path
 * (ofrep-fast-path.ts) builds one from node's request, so both paths run the same code.
 */
export interface RequestLike {
  headers: IncomingHttpHeaders;
  url: string;
  /** The declared route path (`/ofrep/v1/evaluate/flags/:key`): what authorize and CORS match on. */
  routeOptions: { url?: string | undefined };
  protocol: string;
  host: string;
  body: unknown;
}

/** The part of fastify's reply the OFREP answers use; the fast path implements it as fastify would send. */
export interface ReplyLike {
  raw: ServerResponse;
  code(statusCode: number): ReplyLike;
  header(name: string, value: string): ReplyLike;
  send(payload?: unknown): ReplyLike;
}
