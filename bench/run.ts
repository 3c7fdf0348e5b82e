import { writeFileSync } from 'node:fs';
import { OpenFeature } from '@openfeature/server-sdk';
import { runHttp } from './http.js';
import { runInProcess } from './in-process.js';
import { describeMachine } from './machine.js';
import { runPropagation } from './propagation.js';
import { renderReport } from './report.js';

/**
 * `npm run bench`: in-process evaluation, OFREP over HTTP and change propagation, one after the
 * other (the in-process part first, before any child process competes for the CPUs), then
 * docs/BENCHMARKS.md is rewritten with the results. A section that fails is reported in the
 * document and makes the exit code 1; the others still run.
 */
const log = (line: string) => process.stdout.write(`${line}\n`);
const started = performance.now();
const machine = describeMachine();
log(`bench on ${machine.nproc} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}, load ${machine.loadAverage.join(' ')}`);

async function section<T>(title: string, run: () => Promise<T>): Promise<T | Error> {
  log(title);
  try {
    return await run();
  } catch (error) {
    const failure = error instanceof Error ? error : new Error(String(error));
    log(`  failed: ${failure.stack ?? failure.message}`);
    return failure;
  }
}

const inProcess = await section('a. in-process (100,000 contexts)', async () => {
  try {
    return await runInProcess(log);
  } finally {
    await OpenFeature.close();
  }
});
const http = await section('b. OFREP over HTTP (autocannon)', () => runHttp(log));
const propagation = await section('c. propagation (applyChange → served)', () => runPropagation(log));

const report = renderReport({ machine, loadAverageAfter: describeMachine().loadAverage, seconds: (performance.now() - started) / 1000, inProcess, http, propagation });
const target = new URL('../docs/BENCHMARKS.md', import.meta.url);
writeFileSync(target, report);
log(`wrote ${target.pathname} in ${((performance.now() - started) / 1000).toFixed(0)} s`);
if ([inProcess, http, propagation].some((r) => r instanceof Error)) process.exitCode = 1;
