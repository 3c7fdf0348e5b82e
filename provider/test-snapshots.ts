import { readFileSync } from 'node:fs';
import { flagDocumentSchema, type FlagDocument } from '../core/model/flag.js';
import type { EnvSnapshot } from '../core/snapshot.js';

/** Shared by the provider's tests: the seed flag of the design, as a snapshot of one environment. */
export const SEED_KEY = 'graph_search.v2.enable';

export function seedFlag(): FlagDocument {
  const raw = readFileSync(new URL('../test/fixtures/seed-flag.json', import.meta.url), 'utf8');
  return flagDocumentSchema.parse(JSON.parse(raw));
}

export function snapshotOf(env: string, version: number, flags: FlagDocument[] = [seedFlag()]): EnvSnapshot {
  return { env, version, generatedAt: new Date().toISOString(), flags: Object.fromEntries(flags.map((f) => [f.key, f])), configs: {} };
}

/** The seed flag killed in one environment: every evaluation there answers DISABLED. */
export function killedIn(env: string, flag = seedFlag()): FlagDocument {
  return { ...flag, environments: { ...flag.environments, [env]: { killed: true, killedTenants: [], userOverrides: {}, tenantOverrides: {}, rules: [] } } };
}
