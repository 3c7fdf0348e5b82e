/**
 * PromQL per guardrail metric name. A flag's guardrail names a metric (`error_rate`); the query
 * that measures it lives here, so flag authors never write PromQL and a query fix reaches every flag.
 * `{window}` is the guardrail's window (e.g. `5m`); `{metric}` the name itself; `{env}` the
 * environment the monitor or rollout watches, so one template can select that environment's series.
 * Operators add or replace templates with GUARDRAIL_PROMQL (a JSON object, name → template).
 */
export const PROMQL_TEMPLATES: Record<string, string> = {
  error_rate: 'sum(rate(http_requests_total{status=~"5.."}[{window}])) / sum(rate(http_requests_total[{window}]))',
  latency_p99: 'histogram_quantile(0.99, sum(rate(http_request_duration_seconds_bucket[{window}])) by (le))',
};
/** Anything unmapped: a plain metric name is read as a rate; a name that already looks like PromQL is sent as is. */
export const DEFAULT_PROMQL_TEMPLATE = 'sum(rate({metric}[{window}]))';

export function promqlFor(
  metric: string,
  window: string,
  templates: Record<string, string> = PROMQL_TEMPLATES,
  env?: string,
): string {
  const template = templates[metric] ?? (/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(metric) ? DEFAULT_PROMQL_TEMPLATE : metric);
  const filled = template.replaceAll('{metric}', metric).replaceAll('{window}', window);
  return env === undefined ? filled : filled.replaceAll('{env}', env);
}

interface PrometheusVectorResponse {
  status: 'success' | 'error';
  data?: { resultType: string; result: Array<{ value?: [number, string] }> | [number, string] };
  error?: string;
}

/**
 * Runs an instant query against Prometheus' HTTP API. Returns null when there is no data (no
 * traffic yet is not a breach); throws when Prometheus is unreachable or answers an error, so the
 * activity retries.
 */
export async function queryPrometheus(
  baseUrl: string,
  query: string,
  fetchImpl: typeof fetch = fetch,
): Promise<number | null> {
  const url = new URL('api/v1/query', baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  url.searchParams.set('query', query);
  const response = await fetchImpl(url, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`Prometheus answered ${response.status} for ${query}`);
  const body = (await response.json()) as PrometheusVectorResponse;
  if (body.status !== 'success' || !body.data)
    throw new Error(`Prometheus query failed: ${body.error ?? 'no data'} (${query})`);
  const { resultType, result } = body.data;
  let raw: string | undefined;
  if (resultType === 'scalar') raw = (result as [number, string])[1];
  else if (resultType === 'vector') raw = (result as Array<{ value?: [number, string] }>)[0]?.value?.[1];
  if (raw === undefined) return null;
  const value = Number(raw);
  return Number.isFinite(value) ? value : null;
}
