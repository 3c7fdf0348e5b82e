import { writeFileSync } from 'node:fs';
import { OpenFeature } from '@openfeature/server-sdk';
import { runChangeCurve } from './change-curve.js';
import { runHttp } from './http.js';
import { runImport } from './import.js';
import { runInProcess } from './in-process.js';
import { describeMachine } from './machine.js';
import type { Outcome } from './markdown.js';
import { runFootprint } from './memory.js';
import { runPropagation } from './propagation.js';
import { renderReport } from './report.js';
import { runRollouts } from './rollouts.js';
import { scaleFromEnv, sectionsFromEnv, type SectionName } from './scale.js';
import { runSsePush } from './sse-push.js';

/**
 * `npm run bench`: in-process evaluation, OFREP over HTTP and change propagation, then the data
 * plane at scale (change curve, import, footprint, SSE push, rollouts), one after the other (the
 * in-process part first, before any child process competes for the CPUs), then
 * docs/BENCHMARKS.md is rewritten with the results. A section that fails is reported in the
 * document and makes the exit code 1; the others still run. BENCH_SCALE and BENCH_SECTIONS: see
 * bench/scale.ts.
 */
const log = (line: string) => process.stdout.write(`${line}\n`);
const started = performance.now();
const machine = describeMachine();
const scale = scaleFromEnv();
const wanted = sectionsFromEnv();
log(
  `bench on ${machine.nproc} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}, load ${machine.loadAverage.join(' ')}; scale ${scale.name}`,
);

async function section<T>(name: SectionName, title: string, run: () => Promise<T>): Promise<Outcome<T>> {
  if (!wanted.has(name)) return undefined;
  log(title);
  const began = performance.now();
  try {
    return await run();
  } catch (error) {
    const failure = error instanceof Error ? error : new Error(String(error));
    log(`  failed: ${failure.stack ?? failure.message}`);
    return failure;
  } finally {
    log(`  (${((performance.now() - began) / 1000).toFixed(0)} s)`);
  }
}

const inProcess = await section('in-process', 'a. in-process (100,000 contexts)', async () => {
  try {
    return await runInProcess(log);
  } finally {
    await OpenFeature.close();
  }
});
const http = await section('http', 'b. OFREP over HTTP (autocannon)', () => runHttp(log));
const propagation = await section('propagation', 'c. propagation (applyChange → served)', () => runPropagation(log));
const curve = await section('curve', `d. change → served at ${scale.curveSizes.join(', ')} flags`, () =>
  runChangeCurve(scale, log),
);
const imported = await section('import', `e. import of ${scale.importFlags} flags`, () => runImport(scale, log));
const footprint = await section(
  'memory',
  `f. evaluator footprint (${scale.bulkFlags} and ${scale.memoryFlags} flags)`,
  () => runFootprint(scale, log),
);
const ssePush = await section('sse', `g. change → SSE push (${scale.sseFlags} flags)`, () => runSsePush(scale, log));
const rollouts = await section('rollouts', `h. ${scale.rollouts} staged rollouts at once`, () =>
  runRollouts(scale, log),
);

const outcomes = [inProcess, http, propagation, curve, imported, footprint, ssePush, rollouts];
const report = renderReport({
  machine,
  loadAverageAfter: describeMachine().loadAverage,
  seconds: (performance.now() - started) / 1000,
  scale,
  inProcess,
  http,
  propagation,
  curve,
  import: imported,
  footprint,
  ssePush,
  rollouts,
});
const target = new URL('../docs/BENCHMARKS.md', import.meta.url);
writeFileSync(target, report);
log(`wrote ${target.pathname} in ${((performance.now() - started) / 1000).toFixed(0)} s`);
if (outcomes.some((r) => r instanceof Error)) process.exitCode = 1;
// Temporal's native runtime and pooled sockets can keep the event loop alive after the last section.
process.exit();
