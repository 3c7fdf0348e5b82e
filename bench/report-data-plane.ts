import type { CurveResult } from './change-curve.js';
import type { ImportResult } from './import.js';
import { measured, ms, row, seconds, type Target } from './markdown.js';
import type { FootprintResult } from './memory.js';
import type { BenchResults } from './report.js';
import type { RolloutsResult } from './rollouts.js';
import type { SsePushResult } from './sse-push.js';

const count = (n: number) => n.toLocaleString('en');
const mb = (n: number) => `${n.toFixed(0)} MB`;

function curveTargets(curve: CurveResult): Target[] {
  const first = curve.points[0]!;
  const last = curve.points.at(-1)!;
  const servedRatio = last.served.p99 / first.served.p99;
  const applyRatio = last.apply.p50 / first.apply.p50;
  return [
    {
      target: `Change → served p99 < 50 ms with ${count(last.flags)} flags × 3 environments`,
      measured: ms(last.served.p99),
      ok: last.served.p99 < 50,
    },
    {
      target: `… and within 2× of the same run with ${count(first.flags)} flags (p99 / p99)`,
      measured: `${servedRatio.toFixed(2)}× (${ms(first.served.p99)})`,
      ok: servedRatio <= 2,
    },
    {
      target: `applyChange does not grow with the flags: p50 at ${count(last.flags)} within 2× of at ${count(first.flags)}`,
      measured: `${applyRatio.toFixed(2)}× (${ms(first.apply.p50)} → ${ms(last.apply.p50)})`,
      ok: applyRatio <= 2,
    },
  ];
}

/** The targets of the data-plane sections (issue 9), each named with the size it was measured at. */
export function dataPlaneTargets(results: BenchResults): Target[] {
  const list: Target[] = [];
  const { curve, import: imported, footprint, ssePush, rollouts } = results;
  if (measured(curve) && curve.points.length) list.push(...curveTargets(curve));
  if (measured(imported)) {
    const text = imported.finished
      ? seconds(imported.seconds!)
      : `not finished after ${seconds(imported.budgetMs / 1000)}: ${count(imported.stored)} of ${count(imported.flags)} stored`;
    list.push({
      target: `Import of ${count(imported.flags)} flags < 60 s`,
      measured: text,
      ok: imported.finished && imported.seconds! < 60,
    });
  }
  if (measured(footprint)) {
    const large = footprint.memory.at(-1)!;
    list.push({
      target: `Evaluator RSS with ${count(large.flags)} flags × 3 environments < 300 MB`,
      measured: mb(large.servingMB),
      ok: large.servingMB < 300,
    });
    list.push({
      target: `Bulk evaluation of ${count(footprint.bulk.flags)} flags p99 < 10 ms`,
      measured: ms(footprint.bulk.p99),
      ok: footprint.bulk.p99 < 10,
    });
  }
  if (measured(ssePush)) {
    list.push({
      target: `Change → pushed to an SSE client p99 < 100 ms (${count(ssePush.flags)} flags)`,
      measured: ms(ssePush.pushed.p99),
      ok: ssePush.pushed.p99 < 100,
    });
  }
  if (measured(rollouts)) {
    const all = rollouts.started === rollouts.rollouts;
    const startText = all
      ? `all, the last ${seconds(rollouts.firstStage.max)} after sending`
      : `${count(rollouts.started)} of ${count(rollouts.rollouts)} within ${seconds(rollouts.submitSeconds + (rollouts.bakeMs + rollouts.budgetMs) / 1000)}`;
    list.push({
      target: `${count(rollouts.rollouts)} staged rollouts started at once: all started within 10 s`,
      measured: startText,
      ok: all && rollouts.firstStage.max <= 10,
    });
    const done = rollouts.completed === rollouts.rollouts;
    const lateText = `${seconds(rollouts.late.p99)}${done ? '' : ` (${count(rollouts.completed)} of ${count(rollouts.rollouts)} reached their last stage)`}`;
    list.push({
      target: '… every later stage applied within 1 s of its bake (p99)',
      measured: lateText,
      ok: done && rollouts.late.p99 <= 1,
    });
  }
  return list;
}

export function curveSection(result: CurveResult): string {
  return [
    `For each size a fresh database (storage's \`migrate\`) holds the seed flag and generated flags (\`bench/flag-corpus.ts\`: a rule, and per environment a serve, a split or a kill) in all three environments, stored in one transaction through storage's \`insertVersion\` and published once with \`publishSnapshots\` (seeding through \`applyChange\` would itself cost what is measured here). The evaluator runs in a child process, and so does \`SwitchyardProvider\` over its Redis source (\`bench/server-process.ts\` answers its \`resolve()\` over HTTP). Then up to ${result.maxChanges} changes (fewer when ${seconds(result.budgetMs / 1000)} has passed) flip the seed flag's production kill switch through \`applyChange(deps, change)\`; each is timed from just before the call until a request, sent back to back to each of the two at once, answers with the new state.`,
    '',
    row([
      'flags (× 3 environments)',
      'changes',
      'applyChange p50',
      'applyChange p99',
      'change → served p50',
      'change → served p99',
      'slowest',
      'provider: change → served p50',
      'provider p99',
      'setup (seed + first loads)',
    ]),
    row(['---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:']),
    ...result.points.map((p) =>
      row([
        count(p.flags),
        p.changes,
        ms(p.apply.p50),
        ms(p.apply.p99),
        ms(p.served.p50),
        ms(p.served.p99),
        ms(p.served.max),
        ms(p.provider.p50),
        ms(p.provider.p99),
        seconds(p.setupSeconds),
      ]),
    ),
    '',
    '"change → served" is the evaluator (OFREP); the targets are about it. The provider columns are the same change seen by an application evaluating in-process.',
  ].join('\n');
}

export function importSection(result: ImportResult): string {
  const outcome = result.finished
    ? `\`importEntries\` took ${seconds(result.seconds!)} (${seconds(result.wallSeconds)} including the child process's start).`
    : `It was stopped after ${seconds(result.budgetMs / 1000)}, with ${count(result.stored)} of ${count(result.flags)} flags stored.`;
  return [
    `${count(result.flags)} generated flags, one JSON file each in a temporary directory, imported by \`importEntries\` (what \`switchyard import <dir>\` runs: validation of every file, a diff against what is stored, then the writes) into a fresh database, in a child process so an import that overruns its budget of ${seconds(result.budgetMs / 1000)} can be stopped. ${outcome}`,
  ].join('\n');
}

export function footprintSection(result: FootprintResult): string {
  const { bulk } = result;
  return [
    `One database grown in two steps (generated flags in all three environments); at each size the evaluator starts in a child process (\`startEvaluator\` under tsx, which adds its loader to the process), and its resident set is read from \`/proc/<pid>/status\` once it reports it has loaded, and again after serving bulk requests. The bulk requests are \`POST /ofrep/v1/evaluate/flags\` for a production SDK key, one at a time, each with a context of its own, timed in this process from sending the request to having read the whole answer (node:http, kept-alive connection).`,
    '',
    row(['flags (× 3 environments)', 'RSS loaded', 'RSS after bulk requests (the target)', 'peak RSS (VmHWM)']),
    row(['---:', '---:', '---:', '---:']),
    ...result.memory.map((m) => row([count(m.flags), mb(m.loadedMB), mb(m.servingMB), mb(m.peakMB)])),
    '',
    row(['bulk evaluation', 'requests', 'p50', 'p99', 'slowest', 'answer size']),
    row(['---', '---:', '---:', '---:', '---:', '---:']),
    row([
      `${count(bulk.flags)} flags`,
      bulk.requests,
      ms(bulk.p50),
      ms(bulk.p99),
      ms(bulk.max),
      `${bulk.responseKiB.toFixed(0)} KiB`,
    ]),
  ].join('\n');
}

export function ssePushSection(result: SsePushResult): string {
  return [
    `A database with ${count(result.flags)} flags (the seed flag and generated ones), the evaluator in a child process. A bulk request's \`eventStreams\` URL is opened as a browser's EventSource would (a GET with no headers but \`Accept\`; \`bench/sse-client.ts\`), then ${result.changes} changes flip the seed flag's production kill switch through \`applyChange\`, ${250} ms apart so the evaluator's 100 ms coalescing never merges two. Each time is from just before \`applyChange\` is called until the \`refetchEvaluation\` event naming that change's version (or a later one) has been read.`,
    '',
    row(['span', 'p50', 'p99', 'slowest']),
    row(['---', '---:', '---:', '---:']),
    row(['applyChange called → event read', ms(result.pushed.p50), ms(result.pushed.p99), ms(result.pushed.max)]),
    row(['applyChange returned → event read', ms(result.afterApply.p50), ms(result.afterApply.p99), '']),
    '',
    `The last event's \`etag\` is the ETag the next bulk request is answered with: ${result.etagMatches ? 'yes' : '**no**'}.`,
  ].join('\n');
}

export function rolloutsSection(result: RolloutsResult): string {
  return [
    `${count(result.rollouts)} flags in a fresh database (staging at 0 %), a Temporal dev server of the bench's own and the real worker (workflow bundle and activities) in this process. ${count(result.rollouts)} change requests, one per flag, are sent together as the Slack app sends them (\`startChangeRequest\` with \`flag.rollout <key> on --env staging --stages ${result.stages.join(',')}\`, bake ${seconds(result.bakeMs / 1000)}, by a developer: standard, so each starts its rollout workflow at once). Stage writes are read from the audit log (one \`flag.rollout.stage\` row per stage) until every rollout has written its last stage or ${seconds((result.bakeMs + result.budgetMs) / 1000)} after the requests were accepted; what had not happened by then is reported as missing.`,
    '',
    row(['', 'value']),
    row(['---', '---:']),
    row(['requests accepted by Temporal (all together)', seconds(result.submitSeconds)]),
    row(['first stages written', `${count(result.started)} of ${count(result.rollouts)}`]),
    row([
      'first stage after sending, p50 / last',
      `${seconds(result.firstStage.p50)} / ${seconds(result.firstStage.max)}`,
    ]),
    row(['rollouts that wrote their last stage', `${count(result.completed)} of ${count(result.rollouts)}`]),
    row([
      'later stage after its bake, p50 / p99 / latest',
      `${seconds(result.late.p50)} / ${seconds(result.late.p99)} / ${seconds(result.late.max)}`,
    ]),
    row([
      'CPU used meanwhile: Temporal dev server / this process (worker, activities, bench)',
      `${result.cpu.server === undefined ? 'n/a' : seconds(result.cpu.server)} / ${seconds(result.cpu.worker)}`,
    ]),
    ...(result.notStartedExample ? ['', `One that had not started: ${result.notStartedExample}.`] : []),
    '',
    "A later stage's lateness is its audit row's time minus the previous stage's, minus the bake.",
    '',
    "Where the time goes (the CPU row is measured in this run; the rest was seen in per-thread `top` and workflow histories when this section was written): the Temporal dev server (one process, SQLite in memory, one history shard) is CPU-bound for the whole burst, its busiest thread at a full core; a change request's first workflow task waits in the task queue for most of its time to be dispatched, while Postgres is nearly idle (stage writes go through the worker's group commit, a few dozen transactions for all of them). Every rollout is two workflows (the change request, and the rollout it starts as a child) and about a dozen history events even with its data steps as local activities, and the server's CPU per rollout above is what the 10 s target runs into on two cores shared with the worker: started at once, 1,000 rollouts need that many CPU-seconds before the last one starts. A Temporal cluster (more history shards, its own machines) is what such a burst needs; the worker side keeps up.",
  ].join('\n');
}
