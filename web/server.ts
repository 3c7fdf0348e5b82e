import fastifyCookie from '@fastify/cookie';
import Fastify, { type FastifyInstance } from 'fastify';
import { createCommandHandler } from '../bot/command-handler.js';
import { policyOf } from '../core/policy.js';
import { connectTemporal } from '../bot/temporal-connection.js';
import { registerJsonBody } from '../evaluator/request-body.js';
import { assertPostgresReachable, createPool } from '../storage/db.js';
import { createLogger, type Logger } from '../storage/logger.js';
import type { ApiDeps } from './api-deps.js';
import { apiDocument } from './api-document.js';
import { registerErrorShape } from './api-error.js';
import { createOidcSignIn, oidcOptionsOf } from './oidc.js';
import { registerOidcRoutes } from './oidc-routes.js';
import { createRateLimits, registerRateLimitPlugin } from './rate-limits.js';
import { registerRoutes } from './route.js';
import { API_ROUTES } from './routes/index.js';
import { createSessionCodec } from './session.js';
import { registerConsole } from './static.js';
import { webStartProblem, type WebSettings } from './settings.js';

/** Commands are a line of text; a config value can be a JSON document. Anything larger is a mistake. */
const BODY_LIMIT_BYTES = 256 * 1024;

/** What the API server needs besides what createWebApp makes itself. */
export type WebAppDeps = Omit<ApiDeps, 'sessions' | 'limits' | 'waitMs' | 'now'> &
  Partial<Pick<ApiDeps, 'sessions' | 'waitMs' | 'now'>>;

export interface WebAppOptions {
  /** The console's build; default `dist/console`. */
  consoleDir?: string;
  /** fastify's `trustProxy` (TRUST_PROXY): whom to believe X-Forwarded-For from; default nobody. */
  trustProxy?: boolean | string[];
}

/**
 * The HTTP API app (docs/architecture.md#layers), not yet listening: `/api/v1` over the same
 * command handler, workflows and storage functions as the bot, and the browser console's build at
 * `/` (docs/architecture.md#web-console; `consoleDir` defaults to `dist/console`).
 *
 * @example
 * const app = createWebApp({ client, taskQueue, pool, log, environments, policy, handler, devLogin: false });
 * await app.inject({ method: 'GET', url: '/api/v1/flags', headers: { authorization: `Bearer ${token}` } });
 */
export function createWebApp(given: WebAppDeps, options: WebAppOptions = {}): FastifyInstance {
  const app = Fastify({ logger: false, bodyLimit: BODY_LIMIT_BYTES, trustProxy: options.trustProxy ?? false });
  // `curl -d '{…}'` sends a form content type: every body is read as JSON rather than refused.
  registerJsonBody(app);
  registerErrorShape(app, given.log);
  void app.register(fastifyCookie);
  registerRateLimitPlugin(app);
  // Registered after the plugins above have loaded, so the limits can be made from theirs.
  void app.register(async (scope) => {
    const deps: ApiDeps = {
      waitMs: 5000,
      now: () => new Date(),
      sessions: createSessionCodec(),
      limits: createRateLimits(scope),
      ...given,
    };
    registerRoutes(scope, API_ROUTES, deps);
    if (deps.oidc) registerOidcRoutes(scope, deps, deps.oidc);
  });
  const document = apiDocument();
  app.get('/api/v1/openapi.json', async () => document);
  app.get('/healthz', async () => ({ ok: true }));
  // Its catch-all `/*` never shadows a route above: the router prefers a more specific path.
  registerConsole(app, options.consoleDir);
  return app;
}

export interface RunningWeb {
  app: FastifyInstance;
  /** Where it listens, e.g. http://127.0.0.1:8090. */
  url: string;
  close(): Promise<void>;
}

const isLoopback = (host: string) => host === 'localhost' || host === '::1' || /^127\./.test(host);

/**
 * Boots `switchyard web` (or its part of `switchyard dev`): Postgres, Temporal, the command
 * handler, the app on WEB_PORT. Dev sign-in is on only for `dev` listening on loopback with no
 * OIDC configured; with OIDC_ISSUER set, browsers sign in at /auth/login, and outside `dev` only
 * with an allow-list (webStartProblem).
 */
export async function startWeb(
  settings: WebSettings,
  options: { log?: Logger; dev?: boolean } = {},
): Promise<RunningWeb> {
  const problem = options.dev ? undefined : webStartProblem(settings);
  if (problem) throw new Error(problem);
  const log = options.log ?? createLogger(settings.LOG_LEVEL, 'web');
  const host = settings.WEB_HOST ?? (options.dev ? '127.0.0.1' : '0.0.0.0');
  const oidcOptions = oidcOptionsOf(settings);
  const pool = createPool(settings.DATABASE_URL, { log, max: 8 });
  const temporal = await assertPostgresReachable(pool, settings.DATABASE_URL)
    .then(() => connectTemporal(settings, { requiredBy: 'the API server' }))
    .catch(async (err: unknown) => {
      await pool.end().catch(() => undefined);
      throw err;
    });
  const { client, connection, taskQueue } = temporal;
  const environments = settings.ENVIRONMENTS;
  // One policy for the process: the handler's reads and the routes' are judged on the same production set.
  const policy = policyOf(settings);
  // The Block Kit the API returns links to the console like Slack's messages do.
  const handler = createCommandHandler({
    client,
    taskQueue,
    pool,
    log,
    environments,
    policy,
    consoleUrl: settings.WEB_PUBLIC_URL,
  });
  const oidc = oidcOptions ? { oidc: createOidcSignIn(oidcOptions) } : {};
  const devLogin = options.dev === true && isLoopback(host) && !oidcOptions;
  const app = createWebApp(
    { client, taskQueue, pool, log, environments, policy, handler, devLogin, ...oidc },
    { trustProxy: settings.TRUST_PROXY },
  );
  const close = async () => {
    await app.close();
    await connection.close().catch(() => undefined);
    await pool.end().catch(() => undefined);
  };
  try {
    await app.listen({ port: settings.WEB_PORT, host });
  } catch (err) {
    await close();
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : settings.WEB_PORT;
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  log.info({ host, port }, 'api server listening');
  return { app, url: `http://${shownHost}:${port}`, close };
}
