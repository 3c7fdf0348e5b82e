import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FlagdProvider } from '@openfeature/flagd-provider';
import { OpenFeature, type Client, type EvaluationContext, type Provider } from '@openfeature/server-sdk';
import { compileSnapshot } from '../core/engine/index.js';
import type { EvaluationContext as EngineContext } from '../core/engine/types.js';
import type { EnvSnapshot } from '../core/snapshot.js';
import { fileSource } from '../provider/file-source.js';
import { SwitchyardProvider } from '../provider/switchyard-provider.js';
import { seedFlag } from '../test/snapshots.js';
import { makeContexts, type BenchContext, type Path } from './contexts.js';
import { FLAGD_CONFIGURATION, SEED_KEY } from './peer-flags.js';
import {
  ConstantProvider,
  createFlagdCore,
  createUnleash,
  FlagdCoreProvider,
  silentLogger,
  UnleashBenchProvider,
  unleashContextOf,
} from './peer-providers.js';
import { median } from './stats.js';

export const CONTEXT_COUNT = 100_000;
/** Bare engines are cheap to run: more rounds. Through the SDK a round of 100,000 costs about a second. */
const ENGINE_ROUNDS = { warmup: 2, measured: 7 };
const SDK_ROUNDS = { warmup: 1, measured: 3 };
const SPLIT_TOLERANCE = 0.005;

export interface ParityRow {
  engine: string;
  dogfoodOn: string;
  enterpriseOff: string;
  splitShare: number;
  splitWithinTolerance: boolean;
  devAgrees: string;
}

export interface TimingRow {
  name: string;
  via: 'engine' | 'provider, no SDK' | 'OpenFeature SDK';
  nsPerEval: number;
  rounds: number[];
}

export interface InProcessResult {
  contexts: { total: number; byPath: Record<Path, number> };
  parity: ParityRow[];
  parityOk: boolean;
  sdkMatchesEngine: boolean;
  timings: TimingRow[];
}

type Evaluate = (context: BenchContext, index: number) => boolean;

function snapshotOf(env: string): EnvSnapshot {
  const flag = seedFlag();
  return { env, version: 1, generatedAt: new Date().toISOString(), flags: { [flag.key]: flag }, configs: {} };
}

/** Answers of one engine over every context, and how they sit against the seed flag's rules. */
function parityOf(
  engine: string,
  items: Array<{ path: Path; context: BenchContext }>,
  evaluate: Evaluate,
  devItems: typeof items,
  devEvaluate: Evaluate,
  devReference: boolean[],
) {
  const answers = items.map((item, i) => evaluate(item.context, i));
  const count = (path: Path, wanted: boolean) =>
    items.filter((item, i) => item.path === path && answers[i] === wanted).length;
  const total = (path: Path) => items.filter((item) => item.path === path).length;
  const splitShare = count('plain', true) / total('plain');
  const devAnswers = devItems.map((item, i) => devEvaluate(item.context, i));
  const devSame = devAnswers.filter((answer, i) => answer === devReference[i]).length;
  const row: ParityRow = {
    engine,
    dogfoodOn: `${count('dogfood', true)} / ${total('dogfood')}`,
    enterpriseOff: `${count('enterprise', false)} / ${total('enterprise')}`,
    splitShare,
    splitWithinTolerance: Math.abs(splitShare - 0.25) <= SPLIT_TOLERANCE,
    devAgrees: `${devSame} / ${devItems.length}`,
  };
  const ok =
    count('dogfood', true) === total('dogfood') &&
    count('enterprise', false) === total('enterprise') &&
    row.splitWithinTolerance &&
    devSame === devItems.length;
  return { row, ok, answers };
}

async function clientWith(provider: Provider): Promise<Client> {
  const domain = `bench-${provider.metadata.name}-${Math.random().toString(36).slice(2)}`;
  await OpenFeature.setProviderAndWait(domain, provider);
  return OpenFeature.getClient(domain);
}

/** flagd's published provider, in-process resolver over a flag file (offline mode). */
export const FLAGD_PROVIDER = '@openfeature/flagd-provider, offline file';

/** Name of the row that measures the OpenFeature SDK alone. */
export const SDK_FLOOR = 'SDK floor: provider answering a constant';

/** Rounds of each case in turn, so a slow moment of a shared machine hits every case alike; the median round counts. */
async function timeInterleaved(
  cases: Array<{ name: string; via: TimingRow['via']; run: () => Promise<number> }>,
  rounds: { warmup: number; measured: number },
  count: number,
): Promise<TimingRow[]> {
  const measured = new Map(cases.map((c) => [c.name, [] as number[]]));
  for (let round = 0; round < rounds.warmup + rounds.measured; round++) {
    for (const c of cases) {
      const started = process.hrtime.bigint();
      await c.run();
      const ns = Number(process.hrtime.bigint() - started) / count;
      if (round >= rounds.warmup) measured.get(c.name)!.push(ns);
    }
  }
  return cases.map((c) => ({
    name: c.name,
    via: c.via,
    rounds: measured.get(c.name)!,
    nsPerEval: median(measured.get(c.name)!),
  }));
}

/**
 * The seed flag over 100,000 distinct contexts in-process: Switchyard vs flagd-core vs the
 * Unleash SDK, first for parity, then timed, both as bare engines and through the OpenFeature
 * SDK (each behind a provider), rounds interleaved so drift hits all alike.
 */
export async function runInProcess(log: (line: string) => void): Promise<InProcessResult> {
  const items = makeContexts(CONTEXT_COUNT, 'production');
  const contexts = items.map((item) => item.context);
  const withoutEnv = contexts.map(({ env: _env, ...rest }) => rest);
  const devItems = makeContexts(10_000, 'dev', 7);
  const byPath = { dogfood: 0, enterprise: 0, plain: 0 } as Record<Path, number>;
  for (const item of items) byPath[item.path]++;

  const dir = mkdtempSync(join(tmpdir(), 'switchyard-bench-'));
  const snapshotFile = join(dir, 'production.json');
  writeFileSync(snapshotFile, JSON.stringify(snapshotOf('production')));

  const compiled = compileSnapshot(snapshotOf('production'));
  const compiledDev = compileSnapshot(snapshotOf('dev'));
  const flagd = createFlagdCore();
  const unleash = await createUnleash('production');
  const unleashContexts = contexts.map((c) => unleashContextOf(c));
  const devUnleashContexts = devItems.map((item) => unleashContextOf(item.context));

  try {
    const oursEval: Evaluate = (c) => {
      const r = compiled.evaluate(SEED_KEY, c as EngineContext);
      return r.ok && r.value === true;
    };
    const oursDev: Evaluate = (c) => {
      const r = compiledDev.evaluate(SEED_KEY, c as EngineContext);
      return r.ok && r.value === true;
    };
    const devReference = devItems.map((item, i) => oursDev(item.context, i));
    const flagdEval: Evaluate = (c) => flagd.resolveBooleanEvaluation(SEED_KEY, false, c, silentLogger).value;
    const unleashEval: Evaluate = (_c, i) => unleash.isEnabled(SEED_KEY, unleashContexts[i], false);
    const unleashDev: Evaluate = (_c, i) => unleash.isEnabled(SEED_KEY, devUnleashContexts[i], false);

    const ours = parityOf('Switchyard engine', items, oursEval, devItems, oursDev, devReference);
    const theirs = [
      parityOf('flagd-core', items, flagdEval, devItems, flagdEval, devReference),
      parityOf('unleash-client', items, unleashEval, devItems, unleashDev, devReference),
    ];
    const parity = [ours.row, ...theirs.map((t) => t.row)];
    const parityOk = ours.ok && theirs.every((t) => t.ok);
    for (const row of parity) {
      log(
        `  parity ${row.engine.padEnd(18)} dogfood on ${row.dogfoodOn}, enterprise off ${row.enterpriseOff}, split ${(row.splitShare * 100).toFixed(2)} % (${row.splitWithinTolerance ? 'within' : 'OUTSIDE'} ±0.5 %), dev agrees ${row.devAgrees}`,
      );
    }

    const provider = new SwitchyardProvider(fileSource(snapshotFile), {
      logger: { warn: () => undefined, info: () => undefined },
    });
    const switchyardClient = await clientWith(provider);
    const floorClient = await clientWith(new ConstantProvider());
    const flagdClient = await clientWith(new FlagdCoreProvider(flagd));
    // flagd's own provider as its users run it without a daemon: in-process resolver, flags from a file.
    const flagdFile = join(dir, 'flagd-flags.json');
    writeFileSync(flagdFile, FLAGD_CONFIGURATION);
    const flagdProvider = new FlagdProvider(
      { resolverType: 'in-process', offlineFlagSourcePath: flagdFile },
      silentLogger,
    );
    const flagdProviderClient = await clientWith(flagdProvider);
    const unleashClient = await clientWith(new UnleashBenchProvider(unleash));

    // The provider must give exactly the engine's answers, or the timings compare different work.
    let sdkMatchesEngine = true;
    for (let i = 0; i < contexts.length; i++) {
      if ((await switchyardClient.getBooleanValue(SEED_KEY, false, contexts[i])) !== ours.answers[i])
        sdkMatchesEngine = false;
      if ((await flagdClient.getBooleanValue(SEED_KEY, false, contexts[i])) !== theirs[0]!.answers[i])
        sdkMatchesEngine = false;
      if ((await flagdProviderClient.getBooleanValue(SEED_KEY, false, contexts[i])) !== theirs[0]!.answers[i])
        sdkMatchesEngine = false;
    }
    log(
      `  OpenFeature providers give the bare engines' answers on all ${contexts.length} contexts: ${sdkMatchesEngine}`,
    );

    const syncLoop = (evaluate: Evaluate) => async () => {
      let on = 0;
      for (let i = 0; i < contexts.length; i++) if (evaluate(contexts[i]!, i)) on++;
      return on;
    };
    const sdkLoop = (client: Client, list: readonly EvaluationContext[]) => async () => {
      let on = 0;
      for (let i = 0; i < list.length; i++) if (await client.getBooleanValue(SEED_KEY, false, list[i]!)) on++;
      return on;
    };
    const providerEval: Evaluate = (c) => provider.resolve(SEED_KEY, false, c, 'boolean').value;
    type Case = { name: string; via: TimingRow['via']; run: () => Promise<number> };
    const engineCases: Case[] = [
      { name: 'Switchyard', via: 'engine', run: syncLoop(oursEval) },
      { name: 'flagd-core', via: 'engine', run: syncLoop(flagdEval) },
      { name: 'unleash-client', via: 'engine', run: syncLoop(unleashEval) },
      { name: 'SwitchyardProvider.resolve', via: 'provider, no SDK', run: syncLoop(providerEval) },
    ];
    const sdkCases: Case[] = [
      { name: 'SwitchyardProvider', via: 'OpenFeature SDK', run: sdkLoop(switchyardClient, contexts) },
      { name: FLAGD_PROVIDER, via: 'OpenFeature SDK', run: sdkLoop(flagdProviderClient, contexts) },
      { name: 'flagd-core provider', via: 'OpenFeature SDK', run: sdkLoop(flagdClient, contexts) },
      { name: 'unleash-client provider', via: 'OpenFeature SDK', run: sdkLoop(unleashClient, contexts) },
      {
        name: 'SwitchyardProvider, env not in context',
        via: 'OpenFeature SDK',
        run: sdkLoop(switchyardClient, withoutEnv),
      },
      { name: SDK_FLOOR, via: 'OpenFeature SDK', run: sdkLoop(floorClient, contexts) },
    ];
    const timings = [
      ...(await timeInterleaved(engineCases, ENGINE_ROUNDS, contexts.length)),
      ...(await timeInterleaved(sdkCases, SDK_ROUNDS, contexts.length)),
    ];
    for (const t of timings)
      log(`  ${t.via.padEnd(17)} ${t.name.padEnd(42)} ${t.nsPerEval.toFixed(0).padStart(6)} ns/eval`);
    return { contexts: { total: contexts.length, byPath }, parity, parityOk, sdkMatchesEngine, timings };
  } finally {
    unleash.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}
