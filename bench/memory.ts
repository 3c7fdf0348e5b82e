import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { openBenchStore, productionKey, type BenchStore } from './bench-store.js';
import { seedEstate } from './flag-corpus.js';
import type { Scale } from './scale.js';
import { startServerProcess } from './start-server-process.js';
import { percentile } from './stats.js';

export interface MemoryReading {
  flags: number;
  /** Resident set right after the evaluator reported it had loaded, and after serving bulk requests. */
  loadedMB: number;
  servingMB: number;
  /** The highest resident set the process reached (VmHWM). */
  peakMB: number;
}

export interface BulkResult {
  flags: number;
  requests: number;
  p50: number;
  p99: number;
  max: number;
  responseKiB: number;
}

export interface FootprintResult {
  bulk: BulkResult;
  memory: MemoryReading[];
}

/** A process's resident set from /proc, in MB (10^6 bytes, as the target is worded). */
function residentMB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${field}:`));
  if (!line) throw new Error(`/proc/${pid}/status has no ${field} line`);
  return (Number(line.split(/\s+/)[1]) * 1024) / 1e6;
}

/**
 * One POST over a kept-alive node:http connection, answered as status and text. Not fetch: its
 * web-stream body costs the client about a millisecond per 147 KiB answer, on the two cores the
 * evaluator also runs on, and that showed up as evaluator latency.
 */
function post(
  agent: Agent,
  url: string,
  headers: Record<string, string>,
  body: string,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      { method: 'POST', agent, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/** `POST /ofrep/v1/evaluate/flags` back to back, one request at a time, each with a context of its own. */
async function bulkRequests(
  url: string,
  key: string,
  count: number,
  expectedFlags: number,
): Promise<{ times: number[]; bytes: number }> {
  const times: number[] = [];
  let bytes = 0;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  try {
    for (let i = 0; i < count; i++) {
      const body = JSON.stringify({
        context: { targetingKey: `user-${i}`, tenant: { id: `tenant-${i % 97}`, tier: 'standard' } },
      });
      const started = performance.now();
      const { status, text } = await post(agent, `${url}/ofrep/v1/evaluate/flags`, headers, body);
      times.push(performance.now() - started);
      if (status !== 200) throw new Error(`bulk evaluation answered ${status}: ${text.slice(0, 200)}`);
      const flags = (JSON.parse(text) as { flags?: unknown[] }).flags?.length;
      if (flags !== expectedFlags)
        throw new Error(`bulk evaluation answered ${flags} flags, expected ${expectedFlags}`);
      bytes = text.length;
    }
  } finally {
    agent.destroy();
  }
  return { times, bytes };
}

async function measure(
  store: BenchStore,
  key: string,
  flags: number,
  requests: number,
): Promise<{ memory: MemoryReading; bulk: BulkResult }> {
  const evaluator = await startServerProcess('evaluator', store.evaluatorEnv);
  try {
    const loadedMB = residentMB(evaluator.pid, 'VmRSS');
    await bulkRequests(evaluator.url, key, Math.min(20, requests), flags);
    const { times, bytes } = await bulkRequests(evaluator.url, key, requests, flags);
    const memory = {
      flags,
      loadedMB,
      servingMB: residentMB(evaluator.pid, 'VmRSS'),
      peakMB: residentMB(evaluator.pid, 'VmHWM'),
    };
    const bulk = {
      flags,
      requests,
      p50: percentile(times, 50),
      p99: percentile(times, 99),
      max: Math.max(...times),
      responseKiB: bytes / 1024,
    };
    return { memory, bulk };
  } finally {
    await evaluator.stop();
  }
}

/**
 * The evaluator's footprint: one database grown in two steps (first `bulkFlags`, then
 * `memoryFlags`, in all three environments); at each size the evaluator is started in its own
 * process, its resident set read from /proc once loaded, then bulk evaluations timed one at a time.
 */
export async function runFootprint(scale: Scale, log: (line: string) => void): Promise<FootprintResult> {
  const store = await openBenchStore('memory');
  try {
    await seedEstate(store, scale.bulkFlags - 1);
    const key = await productionKey(store);
    const small = await measure(store, key, scale.bulkFlags, scale.bulkRequests);
    log(
      `  ${scale.bulkFlags} flags: bulk p50 ${small.bulk.p50.toFixed(2)} / p99 ${small.bulk.p99.toFixed(2)} ms (${small.bulk.responseKiB.toFixed(0)} KiB), RSS ${small.memory.servingMB.toFixed(0)} MB`,
    );
    await seedEstate(store, scale.memoryFlags - scale.bulkFlags, { withSeedFlag: false, from: scale.bulkFlags - 1 });
    const large = await measure(store, key, scale.memoryFlags, Math.min(50, scale.bulkRequests));
    log(
      `  ${scale.memoryFlags} flags: RSS loaded ${large.memory.loadedMB.toFixed(0)} MB, serving ${large.memory.servingMB.toFixed(0)} MB, peak ${large.memory.peakMB.toFixed(0)} MB (bulk p99 ${large.bulk.p99.toFixed(1)} ms)`,
    );
    return { bulk: small.bulk, memory: [small.memory, large.memory] };
  } finally {
    await store.close();
  }
}
