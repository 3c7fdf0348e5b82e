/**
 * The console's client of `/api/v1` (the same API automation calls), typed by the server's own
 * OpenAPI document: `api-types.ts` is generated from the route table (`npm run gen:api`), so a
 * route that changes what it answers changes these types, and the console's type check says where.
 * Browser code only: it imports nothing of the server. Every request sends the session cookie
 * (same origin only); every state change also sends the session's CSRF value, which the server
 * refuses a cookie-authenticated POST without.
 */
import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './api-types.js';

/** The JSON a route answers with on success, as its OpenAPI operation declares it. */
type Answer<P extends keyof paths, M extends 'get' | 'post'> =
  NonNullable<paths[P][M]> extends { responses: { 200: { content: { 'application/json': infer T } } } } ? T : never;

export interface Session {
  principal: string;
  csrfToken: string;
}
export type SignInOptions = Answer<'/api/v1/sign-in', 'get'>;
export type Outcome = Answer<'/api/v1/commands', 'post'>;
/** A change request as its page shows it or a list has it (with when it started), or as the console last knew it. */
export type ChangeRequest = Omit<Answer<'/api/v1/change-requests/{id}', 'get'>, 'workflowId'> & {
  workflowId?: string;
  startedAt?: string;
};
export type AuditRow = Answer<'/api/v1/audit', 'get'>['entries'][number];
export type AuditVerification = Answer<'/api/v1/audit/verify', 'get'>;
export type StaleFlag = Answer<'/api/v1/stale-flags', 'get'>['flags'][number];
export type Rollout = Answer<'/api/v1/flags/{key}', 'get'>['rollouts'][string];

/*
 * The flag document. The API documents it as an object (it is the flag as code, validated by its
 * own JSON Schema, `switchyard schema`), so its shape is written out here for the pages that draw it.
 */
export type Serve = { serve: string } | { rollout: Record<string, number> };

export interface Rule {
  id?: string;
  priority: number;
  condition: Record<string, unknown>;
  action: Serve;
  comment?: string;
}

export interface EnvironmentState {
  killed: boolean;
  killedTenants: string[];
  userOverrides: Record<string, { variation: string; expiresAt?: string }>;
  tenantOverrides: Record<string, string>;
  rules: Rule[];
  serve?: Serve;
}

export interface FlagDocument {
  key: string;
  kind: string;
  description: string;
  owner: string;
  expiry?: string;
  default: unknown;
  offVariation?: string;
  variations: Array<{ id: string; value: unknown; description?: string }>;
  rules: Rule[];
  guardrails?: { auto_disable?: { metric: string; threshold: number; window: string } };
  environments: Record<string, EnvironmentState>;
  /** A readiness checklist, once the server reports one. */
  readiness?: unknown;
}

type WithDocument<T> = Omit<T, 'document'> & { document: FlagDocument };
export type FlagVersion = WithDocument<Answer<'/api/v1/flags', 'get'>['flags'][number]>;
export type FlagDetail = WithDocument<Answer<'/api/v1/flags/{key}', 'get'>> & { readiness?: unknown };
/** An entry whose document is a flag: the server stored it validated, so it has the flag's shape. */
const asFlag = <T extends { document: Record<string, unknown> }>(entry: T) => entry as unknown as WithDocument<T>;

/** A refusal as the API words it (`{"error": {"code", "message"}}`), with its HTTP status. */
export class ApiFailure extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
  ) {
    super(message);
  }
}

let csrfToken: string | undefined;

const client = createClient<paths>({ credentials: 'same-origin', headers: { accept: 'application/json' } });
const sendCsrf: Middleware = {
  onRequest({ request }) {
    if (request.method === 'POST' && csrfToken) request.headers.set('x-csrf-token', csrfToken);
    return request;
  },
};
client.use(sendCsrf);

/** What openapi-fetch resolves to: the answer, or the error body with the response it came in. */
type Result<T> = { data?: T; error?: unknown; response: Response };

/** The answer of a call, or the API's refusal as an ApiFailure in the server's own words. */
async function answer<T>(call: Promise<Result<T>>): Promise<T> {
  let result: Result<T>;
  try {
    result = await call;
  } catch {
    throw new ApiFailure('the Switchyard server cannot be reached: is `switchyard web` running?', 0, 'UNREACHABLE');
  }
  const { data, error, response } = result;
  if (response.ok && data !== undefined) return data;
  const refusal = (error as { error?: { code?: string; message?: string } } | undefined)?.error;
  // Sessions live in the server process: a restart or the eight-hour limit signs everyone out.
  if (response.status === 401 && csrfToken)
    throw new ApiFailure(
      'You are signed out (the session ended or the server restarted): reload the page to sign in again.',
      401,
      refusal?.code ?? 'UNAUTHENTICATED',
    );
  throw new ApiFailure(
    refusal?.message ?? `the server answered ${response.status}`,
    response.status,
    refusal?.code ?? 'HTTP_ERROR',
  );
}

/** A filter without the fields a form left empty: the server refuses an empty value rather than ignore it. */
function filled<Q extends Record<string, unknown>>(query: Q): Q {
  return Object.fromEntries(Object.entries(query).filter(([, value]) => value !== undefined && value !== '')) as Q;
}

const id = (value: string) => ({ params: { path: { id: value } } });

export const api = {
  /** The signed-in principal, or undefined when nobody is. */
  async session(): Promise<Session | undefined> {
    try {
      const session = await answer(client.GET('/api/v1/session'));
      csrfToken = session.csrfToken;
      return { principal: session.principal, csrfToken: session.csrfToken ?? '' };
    } catch (err) {
      if (err instanceof ApiFailure && err.status === 401) {
        csrfToken = undefined;
        return undefined;
      }
      throw err;
    }
  },
  signInOptions: () => answer(client.GET('/api/v1/sign-in')),
  devLogin: (user: string) => answer(client.GET('/dev-login', { params: { query: { user } } })),
  async signOut(): Promise<void> {
    await answer(client.POST('/auth/logout'));
    csrfToken = undefined;
  },
  command: (text: string) => answer(client.POST('/api/v1/commands', { body: { text } })),
  flags: async (filter: NonNullable<paths['/api/v1/flags']['get']['parameters']['query']>) => {
    const { flags } = await answer(client.GET('/api/v1/flags', { params: { query: filled(filter) } }));
    return { flags: flags.map(asFlag) };
  },
  staleFlags: () => answer(client.GET('/api/v1/stale-flags')),
  flag: async (key: string): Promise<FlagDetail> =>
    asFlag(await answer(client.GET('/api/v1/flags/{key}', { params: { path: { key } } }))),
  history: (key: string) =>
    answer(client.GET('/api/v1/flags/{key}/history', { params: { path: { key }, query: { limit: 50 } } })),
  pending: () => answer(client.GET('/api/v1/change-requests', { params: { query: { status: 'pending' } } })),
  changeRequest: (value: string) => answer(client.GET('/api/v1/change-requests/{id}', id(value))),
  approve: (value: string) => answer(client.POST('/api/v1/change-requests/{id}/approve', id(value))),
  reject: (value: string, reason: string) =>
    answer(client.POST('/api/v1/change-requests/{id}/reject', { ...id(value), body: { reason } })),
  revert: (value: string, reason: string) =>
    answer(client.POST('/api/v1/change-requests/{id}/revert', { ...id(value), body: { reason } })),
  rollouts: () => answer(client.GET('/api/v1/rollouts')),
  controlRollout: (flag: string, env: string, action: 'pause' | 'resume' | 'promote' | 'abort') =>
    answer(client.POST('/api/v1/rollouts/{flag}/{env}/{action}', { params: { path: { flag, env, action } } })),
  audit: (filter: NonNullable<paths['/api/v1/audit']['get']['parameters']['query']>) =>
    answer(client.GET('/api/v1/audit', { params: { query: filled(filter) } })),
  verifyAudit: () => answer(client.GET('/api/v1/audit/verify')),
};

/** What a failed call says to a person: the server's own words, never a stack. */
export const problemOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));
