import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../test/db.js';
import { auditTrail, verifyAuditChain } from './audit.js';
import { createLogger } from './logger.js';
import { tenantsOfCohorts } from './cohorts.js';
import { postgresTenancyStore } from './tenancy-store.js';
import type { TenancyStore } from './tenancy-store-type.js';
import { listTenants } from './tenants.js';

let db: TestDatabase;
let store: TenancyStore;

beforeAll(async () => {
  db = await createTestDatabase();
  store = postgresTenancyStore({ pool: db.pool, log: createLogger('silent') });
});
afterAll(async () => {
  await db?.drop();
});

describe('tenants and cohorts in Postgres', () => {
  it('applies a change with one audit row, once per change id, in the hash chain', async () => {
    const add = {
      changeId: 'c-add',
      actor: 'U_OPS1',
      change: { op: 'tenant.add' as const, tenant: { id: 'acme', name: 'Acme', tier: 'enterprise' } },
      approvedBy: 'U_OPS2',
    };
    expect(await store.apply(add)).toEqual({ applied: true });
    expect(await store.apply(add)).toEqual({ applied: false });
    const rows = await auditTrail(db.pool, { entityKind: 'tenant', entityKey: 'acme' });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      action: 'tenant.add',
      tenant: 'acme',
      approvedBy: 'U_OPS2',
      diff: { 'tenant acme': { old: null, new: { name: 'Acme', tier: 'enterprise' } } },
    });
    expect((await verifyAuditChain(db.pool)).ok).toBe(true);
  });

  it('keeps cohort members as the rollout reads them, and lists tenants with their cohorts', async () => {
    await store.apply({
      changeId: 'c-globex',
      actor: 'U_OPS1',
      change: { op: 'tenant.add', tenant: { id: 'globex', name: 'globex', tier: 'standard' } },
    });
    await store.apply({
      changeId: 'c-beta',
      actor: 'U_OPS1',
      change: { op: 'cohort.create', cohort: 'beta', description: 'early' },
    });
    await store.apply({
      changeId: 'c-join',
      actor: 'U_OPS1',
      change: { op: 'cohort.add', cohort: 'beta', tenants: ['globex', 'acme'], members: [] },
    });
    expect(await tenantsOfCohorts(db.pool, ['beta'])).toEqual({ beta: ['acme', 'globex'] });
    await store.apply({
      changeId: 'c-leave',
      actor: 'U_OPS1',
      change: { op: 'cohort.remove', cohort: 'beta', tenants: ['acme'], members: ['acme', 'globex'] },
    });
    expect(await tenantsOfCohorts(db.pool, ['beta'])).toEqual({ beta: ['globex'] });
    expect(await listTenants(db.pool)).toEqual([
      { id: 'acme', name: 'Acme', tier: 'enterprise', cohorts: [] },
      { id: 'globex', name: 'globex', tier: 'standard', cohorts: ['beta'] },
    ]);
    const [leave] = await auditTrail(db.pool, { changeId: 'c-leave' });
    expect(leave).toMatchObject({
      entityKind: 'cohort',
      entityKey: 'beta',
      tenant: 'acme',
      diff: { 'cohort beta.members': { old: ['acme', 'globex'], new: ['globex'] } },
    });
  });

  it('refuses, and writes nothing, when the tenant moved since the change was planned', async () => {
    const stale = {
      changeId: 'c-stale',
      actor: 'U_ACME',
      change: {
        op: 'tenant.set' as const,
        before: { id: 'acme', name: 'Acme', tier: 'standard' },
        after: { id: 'acme', name: 'Acme', tier: 'gold' },
      },
    };
    await expect(store.apply(stale)).rejects.toThrow(
      /tenant `acme` changed after this request was made \(Acme, tier standard then, Acme, tier enterprise now\)/,
    );
    expect(await auditTrail(db.pool, { changeId: 'c-stale' })).toEqual([]);
    expect((await store.view({ tenants: ['acme'], cohorts: [] })).tenants.acme?.tier).toBe('enterprise');
  });
});
