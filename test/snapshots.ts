import { readFileSync } from 'node:fs';
import { flagDocumentSchema, type FlagDocument, type FlagDocumentInput } from '../core/model/flag.js';
import type { EnvSnapshot } from '../core/snapshot.js';

/** Snapshots for the data plane's tests and benchmarks (evaluator, provider, bench): the seed flag of the design and variations of it. */
export const SEED_KEY = 'graph_search.v2.enable';

export function seedFlag(): FlagDocument {
  const raw = readFileSync(new URL('./fixtures/seed-flag.json', import.meta.url), 'utf8');
  return flagDocumentSchema.parse(JSON.parse(raw));
}

export function flag(input: FlagDocumentInput): FlagDocument {
  return flagDocumentSchema.parse(input);
}

export function snapshotOf(
  env: string,
  version: number,
  flags: FlagDocument[] = [seedFlag()],
  configs: EnvSnapshot['configs'] = {},
): EnvSnapshot {
  return {
    env,
    version,
    generatedAt: new Date().toISOString(),
    flags: Object.fromEntries(flags.map((f) => [f.key, f])),
    configs,
  };
}

/** The seed flag killed in one environment: every evaluation there answers DISABLED. */
export function killedIn(env: string, flag = seedFlag()): FlagDocument {
  return {
    ...flag,
    environments: {
      ...flag.environments,
      [env]: { killed: true, killedTenants: [], userOverrides: {}, tenantOverrides: {}, rules: [] },
    },
  };
}
