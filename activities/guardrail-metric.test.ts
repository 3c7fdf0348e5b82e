import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promqlFor, queryPrometheus } from './guardrail-metric.js';

describe('promqlFor', () => {
  it('uses the named template, filling in the window', () => {
    expect(promqlFor('latency_p99', '5m')).toBe(
      'histogram_quantile(0.99, sum(rate(http_request_duration_seconds_bucket[5m])) by (le))',
    );
  });
  it('reads an unmapped metric name as a rate over the window', () => {
    expect(promqlFor('checkout_errors_total', '1m')).toBe('sum(rate(checkout_errors_total[1m]))');
  });
  it('fills in the environment when the template asks for it', () => {
    const templates = { errors: 'sum(rate(errors_total{env="{env}"}[{window}]))' };
    expect(promqlFor('errors', '5m', templates, 'production')).toBe('sum(rate(errors_total{env="production"}[5m]))');
  });
  it('sends something that already is PromQL as it is', () => {
    expect(promqlFor('max(queue_depth)', '1m')).toBe('max(queue_depth)');
  });
});

describe('queryPrometheus', () => {
  let server: Server;
  let base = '';
  const answers: Record<string, { status: number; body: unknown }> = {
    up: {
      status: 200,
      body: { status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [1, '0.25'] }] } },
    },
    empty: { status: 200, body: { status: 'success', data: { resultType: 'vector', result: [] } } },
    scalar: { status: 200, body: { status: 'success', data: { resultType: 'scalar', result: [1, '7'] } } },
    bad: { status: 400, body: { status: 'error', errorType: 'bad_data', error: 'parse error' } },
  };
  beforeAll(async () => {
    server = createServer((req, res) => {
      const answer = answers[new URL(req.url!, 'http://x').searchParams.get('query')!]!;
      res.statusCode = answer.status;
      res.end(JSON.stringify(answer.body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => server.close());

  it('returns the first sample of a vector and the value of a scalar', async () => {
    expect(await queryPrometheus(base, 'up')).toBe(0.25);
    expect(await queryPrometheus(base, 'scalar')).toBe(7);
  });
  it('returns null when there is no data (no traffic is not a breach)', async () => {
    expect(await queryPrometheus(base, 'empty')).toBeNull();
  });
  it('throws when Prometheus refuses the query, so the check is retried', async () => {
    await expect(queryPrometheus(base, 'bad')).rejects.toThrow('Prometheus answered 400 for bad');
  });
});
