import type { EnvSnapshot } from '../core/snapshot.js';
import { checkSnapshot } from '../core/parse-snapshot.js';
import type { SnapshotListener, SnapshotSource } from './snapshot-source.js';

export interface EvaluatorSourceOptions {
  /** Base URL of a Switchyard evaluator, e.g. http://evaluator:8080. */
  url: string;
  /** An SDK key with the `flags` scope; it decides the environment served. */
  sdkKey: string;
  /** How often to ask for a newer snapshot, in ms (default 5 s). Unchanged snapshots cost a 304. */
  pollIntervalMs?: number;
  /** Gives up on one request after this many ms (default 5 s). */
  timeoutMs?: number;
}

/** Why the evaluator refused, in words a user can act on. */
function refusal(status: number, url: string): string {
  if (status === 401) return `the evaluator at ${url} does not know this SDK key (401): is it revoked or mistyped?`;
  if (status === 403) return `the SDK key lacks the "flags" scope the snapshot needs (403)`;
  if (status === 404) return `${url} has no /v1/snapshot route (404): is it a Switchyard evaluator of this version?`;
  if (status === 503) return `the evaluator at ${url} has not loaded this environment yet (503)`;
  return `the evaluator at ${url} answered ${status} to GET /v1/snapshot`;
}

/**
 * The snapshot of an SDK key's environment, from a running evaluator (`GET /v1/snapshot`),
 * re-fetched every few seconds with `If-None-Match` so an unchanged snapshot costs a 304.
 * For services that cannot reach Redis but want in-process evaluation.
 *
 * @example
 * new SwitchyardProvider(evaluatorSource({ url: 'http://evaluator:8080', sdkKey: process.env.SWITCHYARD_SDK_KEY! }));
 */
export function evaluatorSource(options: EvaluatorSourceOptions): SnapshotSource {
  let base: URL;
  try {
    base = new URL(options.url);
  } catch {
    throw new Error(
      `evaluatorSource: "url" must be an absolute URL like http://evaluator:8080 (got ${JSON.stringify(options.url)})`,
    );
  }
  if (!options.sdkKey) throw new Error('evaluatorSource needs `sdkKey` (an SDK key with the flags scope)');
  const endpoint = new URL('v1/snapshot', base.href.endsWith('/') ? base : new URL(`${base.href}/`)).href;
  const description = `evaluator:${base.origin}`;
  const interval = options.pollIntervalMs ?? 5_000;
  const timeoutMs = options.timeoutMs ?? 5_000;

  let etag: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let stale = false;

  /** The snapshot, or undefined when the evaluator says it has not changed. */
  const fetchSnapshot = async (): Promise<EnvSnapshot | undefined> => {
    const headers: Record<string, string> = { authorization: `Bearer ${options.sdkKey}`, accept: 'application/json' };
    if (etag) headers['if-none-match'] = etag;
    let response: Response;
    try {
      response = await fetch(endpoint, { headers, signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
      throw new Error(`${description}: GET /v1/snapshot failed (${cause})`);
    }
    if (response.status === 304) return undefined;
    if (!response.ok) {
      await response.body?.cancel();
      throw new Error(`${description}: ${refusal(response.status, base.origin)}`);
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch (error) {
      throw new Error(`${description}: the snapshot is not valid JSON (${(error as Error).message})`);
    }
    const snapshot = checkSnapshot(body, description);
    etag = response.headers.get('etag') ?? undefined;
    return snapshot;
  };

  /** One poll: never rejects (a failure is reported as stale), then schedules the next. */
  const pollOnce = async (listener: SnapshotListener) => {
    try {
      const snapshot = await fetchSnapshot();
      if (!running) return;
      if (stale) {
        stale = false;
        listener.recovered();
      }
      if (snapshot) listener.snapshot(snapshot);
    } catch (error) {
      if (!running) return;
      stale = true;
      listener.stale(error as Error);
    }
    if (running) poll(listener);
  };

  const poll = (listener: SnapshotListener) => {
    timer = setTimeout(() => void pollOnce(listener), interval);
    timer.unref();
  };

  return {
    description,
    async start(listener) {
      etag = undefined;
      const first = await fetchSnapshot();
      if (!first) throw new Error(`${description}: the evaluator answered 304 to a request without If-None-Match`);
      running = true;
      stale = false;
      if (interval > 0) poll(listener);
      return first;
    },
    async stop() {
      running = false;
      clearTimeout(timer);
    },
  };
}
