import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Change } from '../core/change.js';
import type { FlagDocument } from '../core/model/flag.js';
import { type TestDatabase } from '../test/db.js';
import { useStorageHarness } from '../test/storage-harness.js';
import { applyChange } from './apply-change.js';
import { findAppliedChange } from './applied-change.js';
import type { StorageDeps } from './deps.js';

const seedFlag = JSON.parse(
  readFileSync(new URL('../test/fixtures/seed-flag.json', import.meta.url), 'utf8'),
) as FlagDocument;

let db: TestDatabase;
let deps: StorageDeps;
useStorageHarness('storage-applied-change', (h) => ({ db, deps } = h));

function change(key: string, expectedVersion: number, extra: Partial<Change> = {}): Change {
  return {
    changeId: randomUUID(),
    actor: 'U_ALICE',
    action: expectedVersion === 0 ? 'flag.create' : 'flag.update',
    target: {
      kind: 'flag',
      key,
      document: { ...seedFlag, key, description: `version ${expectedVersion + 1}` } as FlagDocument,
    },
    expectedVersion,
    reason: 'testing',
    ...extra,
  };
}

describe('what a past change touched, for its revert', () => {
  it('names every environment and tenant of a change across several, though its audit columns name none', async () => {
    const key = 'applied.many-places';
    await applyChange(deps, change(key, 0));
    const wide = change(key, 1, { touched: { environments: ['staging', 'production'], tenants: ['acme', 'globex'] } });
    await applyChange(deps, wide);

    const found = await findAppliedChange(db.pool, wide.changeId);
    expect(found).toMatchObject({ key, firstVersion: 2, lastVersion: 2, actions: ['flag.update'] });
    expect([...found.environments].sort()).toEqual(['production', 'staging']);
    expect([...found.tenants].sort()).toEqual(['acme', 'globex']);
  });

  it('still reads the audit columns of a change that names one place and no touched list', async () => {
    const key = 'applied.one-place';
    await applyChange(deps, change(key, 0));
    const narrow = change(key, 1, { environment: 'production', tenant: 'acme' });
    await applyChange(deps, narrow);

    const found = await findAppliedChange(db.pool, narrow.changeId);
    expect(found).toMatchObject({ environments: ['production'], tenants: ['acme'] });
  });
});
