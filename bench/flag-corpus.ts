import { randomUUID } from 'node:crypto';
import type { FlagDocument, FlagDocumentInput } from '../core/model/flag.js';
import { validateFlag } from '../core/model/validate-flag.js';
import { withTransaction } from '../storage/db.js';
import { insertVersion } from '../storage/entry-versions.js';
import { publishSnapshots } from '../storage/snapshot-publisher.js';
import { testFlagDocument } from '../test/temporal.js';
import { seedFlag } from '../test/snapshots.js';
import type { BenchStore } from './bench-store.js';

/** The key of the n-th generated flag; the seed flag is never one of them. */
export const corpusKey = (n: number) => `bench.flag-${String(n).padStart(5, '0')}`;

/**
 * The n-th flag of a generated estate, as a flags-as-code file would hold it: an on/off release
 * flag with a dogfood rule, on in dev, a split in staging (its share varies), and in production
 * off, a split or killed, so compiled flags and snapshots are of realistic size and variety.
 */
export function corpusFlag(n: number): Partial<FlagDocumentInput> & { key: string } {
  const share = 5 + (n % 19) * 5;
  const production =
    n % 10 === 0 ? { killed: true } : n % 3 === 0 ? { serve: { rollout: { on: share, off: 100 - share } } } : {};
  return testFlagDocument({
    key: corpusKey(n),
    description: `generated flag ${n} for the benchmarks`,
    owner: `team-${n % 40}`,
    rules: [
      {
        priority: 1,
        condition: { 'user.email': { endsWith: '@companyos.io' } },
        action: { serve: 'on' },
        comment: 'dogfood',
      },
    ],
    environments: {
      dev: { serve: { serve: 'on' } },
      staging: { serve: { rollout: { on: share, off: 100 - share } } },
      production,
    },
  });
}

/** The seed flag with its production kill switch set as asked: what the change benchmarks flip. */
export function seedFlagKilled(killed: boolean): FlagDocument {
  const flag = seedFlag();
  const state = { killed, killedTenants: [], userOverrides: {}, tenantOverrides: {}, rules: [] };
  return { ...flag, environments: { ...flag.environments, production: state } };
}

/**
 * Stores the seed flag and `generated` corpus flags as version 1 in one transaction through
 * storage's insertVersion, bumps every environment's snapshot version, then publishes the
 * snapshots once. Seeding through applyChange instead would cost, today, a full snapshot rebuild
 * per flag (hours for 10,000); what is measured afterwards goes through the public entry points.
 */
export async function seedEstate(
  store: BenchStore,
  generated: number,
  options: { withSeedFlag?: boolean; from?: number; flagOf?: (n: number) => ReturnType<typeof corpusFlag> } = {},
): Promise<void> {
  const from = options.from ?? 0;
  const flagOf = options.flagOf ?? corpusFlag;
  const documents: FlagDocument[] = options.withSeedFlag === false ? [] : [seedFlagKilled(false)];
  for (let n = from; n < from + generated; n++) documents.push(validateFlag(flagOf(n), { mode: 'import' }).flag);
  await withTransaction(store.deps.pool, async (client) => {
    for (const document of documents) {
      await insertVersion(client, 'flag', {
        key: document.key,
        version: 1,
        document,
        action: 'flag.create',
        changeId: `bench-seed-${randomUUID()}`,
        createdBy: 'cli:bench',
      });
    }
    await client.query('UPDATE environments SET snapshot_version = snapshot_version + 1');
  });
  await publishSnapshots(store.deps);
}
