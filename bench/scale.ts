/**
 * How big the data-plane sections run. The default is issue 9's sizes; `BENCH_SCALE=small` is a
 * quick run (about two minutes of data-plane sections) to check the benchmark itself, whose
 * numbers do not answer the targets. `BENCH_SECTIONS=curve,import` runs only the named sections
 * (the others are reported as not run).
 */
export interface Scale {
  name: 'full' | 'small';
  /** Flags per database of the change curve; the last is the one the targets name. */
  curveSizes: number[];
  /** Changes measured per size, at most; a size stops earlier when `curveBudgetMs` has passed. */
  curveChanges: number;
  curveBudgetMs: number;
  importFlags: number;
  /** An import still running after this long is stopped and reported with how far it got. */
  importBudgetMs: number;
  /** Flags in the environment for the RSS figure, and for the bulk evaluation. */
  memoryFlags: number;
  bulkFlags: number;
  bulkRequests: number;
  sseFlags: number;
  sseChanges: number;
  rollouts: number;
  rolloutBakeMs: number;
  /** After the last start, how long the rollouts get to finish before they are reported as they stand. */
  rolloutBudgetMs: number;
}

const FULL: Scale = {
  name: 'full',
  curveSizes: [10, 1_000, 10_000],
  curveChanges: 50,
  curveBudgetMs: 90_000,
  importFlags: 10_000,
  importBudgetMs: 120_000,
  memoryFlags: 10_000,
  bulkFlags: 1_000,
  bulkRequests: 300,
  sseFlags: 1_000,
  sseChanges: 50,
  rollouts: 1_000,
  rolloutBakeMs: 10_000,
  rolloutBudgetMs: 150_000,
};

const SMALL: Scale = {
  name: 'small',
  curveSizes: [10, 100, 1_000],
  curveChanges: 15,
  curveBudgetMs: 20_000,
  importFlags: 300,
  importBudgetMs: 30_000,
  memoryFlags: 1_000,
  bulkFlags: 200,
  bulkRequests: 50,
  sseFlags: 100,
  sseChanges: 15,
  rollouts: 40,
  rolloutBakeMs: 3_000,
  rolloutBudgetMs: 30_000,
};

export function scaleFromEnv(env: NodeJS.ProcessEnv = process.env): Scale {
  const name = env.BENCH_SCALE ?? 'full';
  if (name === 'full') return FULL;
  if (name === 'small') return SMALL;
  throw new Error(`BENCH_SCALE must be "full" or "small" (got ${JSON.stringify(name)})`);
}

export const SECTIONS = ['in-process', 'http', 'propagation', 'curve', 'import', 'memory', 'sse', 'rollouts'] as const;
export type SectionName = (typeof SECTIONS)[number];

/** The sections BENCH_SECTIONS names (all when unset), refusing a name that is not one. */
export function sectionsFromEnv(env: NodeJS.ProcessEnv = process.env): Set<SectionName> {
  const raw = env.BENCH_SECTIONS?.trim();
  if (!raw) return new Set(SECTIONS);
  const names = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = names.filter((n) => !(SECTIONS as readonly string[]).includes(n));
  if (unknown.length)
    throw new Error(`BENCH_SECTIONS: unknown section ${unknown.join(', ')}; the sections are ${SECTIONS.join(', ')}`);
  return new Set(names as SectionName[]);
}
