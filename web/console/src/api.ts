/**
 * The console's typed client of `/api/v1` (the same API automation calls). Browser code only: it
 * imports nothing of the server, so the bundle holds none of it. Every request sends the session
 * cookie (same origin only); every state change also sends the session's CSRF value, which the
 * server refuses a cookie-authenticated POST without.
 */

export interface Session {
  principal: string;
  csrfToken: string;
}

export interface SignInOptions {
  oidc: boolean;
  devLogin: boolean;
}

export interface Outcome {
  status: string;
  reason?: string;
  changeRequestId?: string;
  riskReasons?: string[];
  text: string;
}

export interface ChangeRequest {
  requestId: string;
  workflowId?: string;
  status: string;
  classification?: 'standard' | 'risky' | 'emergency';
  riskReasons: string[];
  requester: string;
  justification?: string;
  decidedBy?: string;
  decidedAt?: string;
  rejectionReason?: string;
  summary?: string;
  message?: string;
  expiresAt?: string;
  startedAt?: string;
}

export interface Rollout {
  rolloutId: string;
  flagKey: string;
  env: string;
  variation: string;
  stages: Array<number | string>;
  stageIndex: number;
  status: string;
  nextStepAt?: string;
  guardrail: 'ok' | 'breached' | 'unchecked' | string;
  message?: string;
}

export interface Rule {
  id?: string;
  priority: number;
  condition: Record<string, unknown>;
  action: Serve;
  comment?: string;
}

export type Serve = { serve: string } | { rollout: Record<string, number> };

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

export interface FlagVersion {
  key: string;
  version: number;
  changedAt: string;
  changedBy: string;
  changeId: string;
  document: FlagDocument;
}

export interface FlagDetail extends FlagVersion {
  environments: string[];
  rollouts: Record<string, Rollout>;
  readiness?: unknown;
}

export interface StaleFlag {
  key: string;
  why: 'expired' | 'old';
  expiry?: string;
  createdAt?: string;
}

export interface AuditRow {
  seq: number;
  occurredAt: string;
  actor: string;
  onBehalfOf?: string;
  action: string;
  entityKind?: string;
  entityKey?: string;
  environment?: string;
  tenant?: string;
  changeId?: string;
  reason?: string;
  approvedBy?: string;
  requestId?: string;
  hash: string;
}

export interface AuditVerification {
  ok: boolean;
  rows: number;
  head?: { seq: number; hash: string };
  brokenAt?: { seq: number; id: number; reason: string };
}

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

async function request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method === 'POST' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch {
    throw new ApiFailure('the Switchyard server cannot be reached: is `switchyard web` running?', 0, 'UNREACHABLE');
  }
  const payload = (await response.json().catch(() => undefined)) as
    { error?: { code?: string; message?: string } } | undefined;
  if (!response.ok) {
    const error = payload?.error;
    // Sessions live in the server process: a restart or the eight-hour limit signs everyone out.
    if (response.status === 401 && csrfToken)
      throw new ApiFailure(
        'You are signed out (the session ended or the server restarted): reload the page to sign in again.',
        401,
        error?.code ?? 'UNAUTHENTICATED',
      );
    throw new ApiFailure(
      error?.message ?? `the server answered ${response.status}`,
      response.status,
      error?.code ?? 'HTTP_ERROR',
    );
  }
  return payload as T;
}

const get = <T>(path: string) => request<T>('GET', path);
const post = <T>(path: string, body?: unknown) => request<T>('POST', path, body);
const segment = encodeURIComponent;

function query(params: Record<string, string | number | boolean | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params))
    if (value !== undefined && value !== '' && value !== false) search.set(name, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}

export const api = {
  /** The signed-in principal, or undefined when nobody is. */
  async session(): Promise<Session | undefined> {
    try {
      const session = await get<{ principal: string; csrfToken?: string }>('/api/v1/session');
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
  signInOptions: () => get<SignInOptions>('/api/v1/sign-in'),
  devLogin: (user: string) => get<{ principal: string }>(`/dev-login${query({ user })}`),
  async signOut(): Promise<void> {
    await post('/auth/logout');
    csrfToken = undefined;
  },
  command: (text: string) => post<Outcome>('/api/v1/commands', { text }),
  flags: (filter: { owner?: string; kind?: string }) => get<{ flags: FlagVersion[] }>(`/api/v1/flags${query(filter)}`),
  staleFlags: () => get<{ maxAgeDays: number; flags: StaleFlag[] }>('/api/v1/stale-flags'),
  flag: (key: string) => get<FlagDetail>(`/api/v1/flags/${segment(key)}`),
  history: (key: string) => get<{ history: AuditRow[] }>(`/api/v1/flags/${segment(key)}/history?limit=50`),
  pending: () => get<{ changeRequests: ChangeRequest[] }>('/api/v1/change-requests?status=pending'),
  changeRequest: (id: string) => get<ChangeRequest>(`/api/v1/change-requests/${segment(id)}`),
  approve: (id: string) => post<Outcome>(`/api/v1/change-requests/${segment(id)}/approve`),
  reject: (id: string, reason: string) => post<Outcome>(`/api/v1/change-requests/${segment(id)}/reject`, { reason }),
  revert: (id: string, reason: string) => post<Outcome>(`/api/v1/change-requests/${segment(id)}/revert`, { reason }),
  rollouts: () => get<{ rollouts: Rollout[] }>('/api/v1/rollouts'),
  controlRollout: (flag: string, env: string, action: 'pause' | 'resume' | 'promote' | 'abort') =>
    post<{ status: string; text: string }>(`/api/v1/rollouts/${segment(flag)}/${segment(env)}/${action}`),
  audit: (filter: { entity?: string; actor?: string; since?: string; before?: number; limit: number }) =>
    get<{ entries: AuditRow[]; nextBefore?: number }>(`/api/v1/audit${query(filter)}`),
  verifyAudit: () => get<AuditVerification>('/api/v1/audit/verify'),
};

/** What a failed call says to a person: the server's own words, never a stack. */
export const problemOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));
