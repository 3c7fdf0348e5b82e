import { existsSync, statSync } from 'node:fs';
import { basename, join, normalize, resolve, sep } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { NotFoundError } from '../core/errors.js';

/**
 * Where `npm run build` puts the console (web/console/vite.config.ts): `dist/console` at the
 * package root, whether this file runs from source (`web/`) or from the build (`dist/web/`).
 */
export function defaultConsoleDir(): string {
  const parent = resolve(import.meta.dirname, '..');
  return basename(parent) === 'dist' ? join(parent, 'console') : join(parent, 'dist', 'console');
}

/** Paths that belong to the server, never to the console: an unknown one is the API's JSON 404. */
const SERVER_PATHS = /^\/(api|auth)(\/|$)|^\/dev-login$|^\/healthz$/;

const NOT_BUILT_PAGE =
  '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Switchyard</title></head><body>' +
  '<h1>Switchyard</h1><p>The console is not built: run <code>npm run build</code>, then reload this page.</p>' +
  '<p>The HTTP API works without it: <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>.</p></body></html>';

/**
 * The console's pages may only talk to this origin and may not be framed by another site (a
 * framed Approve button is a click someone else aimed).
 */
const PAGE_HEADERS = {
  'content-security-policy':
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
};

/** A file of the build under `dir` for a request path, or undefined (no traversal out of `dir`). */
function builtFile(dir: string, path: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return undefined;
  }
  const file = normalize(join(dir, decoded));
  if (!file.startsWith(dir + sep) || !existsSync(file) || !statSync(file).isFile()) return undefined;
  return file.slice(dir.length + 1);
}

/**
 * Serves the console's build at `/`: its files, and `index.html` for any other page path (the
 * console routes by `#/…`, so a path is only ever a bookmark of an older layout or a typo). The
 * API's routes keep priority over this catch-all (the router prefers specific paths); a missing build answers a
 * page that says how to build it. The directory is looked at per request, so a build made while
 * the server runs is served without a restart.
 */
export function registerConsole(app: FastifyInstance, dir: string = defaultConsoleDir()): void {
  const root = resolve(dir);
  // Only its reply.sendFile: the one route below decides what a path is.
  void app.register(fastifyStatic, { root, serve: false });
  const sendPage = (reply: FastifyReply) =>
    reply.headers(PAGE_HEADERS).header('cache-control', 'no-cache').sendFile('index.html', root);

  app.get('/*', async (request, reply) => {
    const path = request.url.split('?')[0]!;
    if (SERVER_PATHS.test(path))
      throw new NotFoundError(`no route GET ${path} (the routes are listed at /api/v1/openapi.json)`);
    if (!existsSync(join(root, 'index.html')))
      return reply.code(404).headers(PAGE_HEADERS).type('text/html; charset=utf-8').send(NOT_BUILT_PAGE);
    const file = path === '/' ? undefined : builtFile(root, path);
    if (!file) return sendPage(reply);
    // Vite names assets by their content hash: they never change under one name.
    const immutable = file.startsWith(`assets${sep}`);
    return reply
      .headers(PAGE_HEADERS)
      .sendFile(file, root, immutable ? { maxAge: '365d', immutable: true } : { maxAge: 0 });
  });
}
