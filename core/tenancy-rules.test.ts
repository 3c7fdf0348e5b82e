import { TEST_POLICY } from '../test/policy.js';
import { describe, expect, it } from 'vitest';
import { tenancyUnits } from './change/plan/tenancy.js';
import type { ChangeRequest } from './change-request.js';
import { classify } from './classify.js';
import { canApprove, canPerform, tenantScopedRefusal, type RoleBinding } from './rbac.js';

/** Who may change tenants and cohorts (docs/design.md#roles), judged in production like the activities judge them. */
const bindings: RoleBinding[] = [
  { subject: 'U_OPS1', role: 'operator', env: 'production' },
  { subject: 'U_OPS2', role: 'operator', env: 'production' },
  { subject: 'U_DEV', role: 'developer' },
  { subject: 'U_PM', role: 'product_manager' },
  { subject: 'U_ACME', role: 'admin', tenant: 'acme' },
  { subject: 'U_ACME_STG', role: 'admin', tenant: 'acme', env: 'staging' },
];
const request = (over: Pick<ChangeRequest, 'action' | 'entity' | 'key'> & Partial<ChangeRequest>): ChangeRequest => ({
  ...over,
  requestedBy: over.requestedBy ?? 'U_OPS1',
  touched: tenancyUnits(over.tenant, TEST_POLICY),
});
const tierOfAcme = request({ action: 'tenant.set', entity: 'tenant', key: 'acme', tenant: 'acme' });
const tierOfGlobex = request({ action: 'tenant.set', entity: 'tenant', key: 'globex', tenant: 'globex' });
const addTenant = request({ action: 'tenant.add', entity: 'tenant', key: 'initech', tenant: 'initech' });
const fillCohort = request({ action: 'cohort.add', entity: 'cohort', key: 'beta' });

describe('tenant and cohort rights', () => {
  it("a tenant's admin changes that tenant's settings at once", () => {
    expect(canPerform(TEST_POLICY, bindings, 'U_ACME', tierOfAcme)).toMatchObject({ allowed: true, role: 'admin' });
    expect(classify(tierOfAcme, { policy: TEST_POLICY, bindings, actor: 'U_ACME' })).toEqual({
      class: 'standard',
      reasons: ["tenant acme's own settings, changed by its admin"],
    });
    expect(tenantScopedRefusal(TEST_POLICY, bindings, 'U_ACME', tierOfAcme)).toBeUndefined();
  });

  it("a tenant's admin is refused outright for another tenant, a new tenant or a cohort, naming what they may do", () => {
    for (const outside of [tierOfGlobex, addTenant, fillCohort]) {
      expect(canPerform(TEST_POLICY, bindings, 'U_ACME', outside).allowed).toBe(false);
      expect(tenantScopedRefusal(TEST_POLICY, bindings, 'U_ACME', outside)).toMatch(
        /^U_ACME may not (change tenant globex|add tenant initech|change cohort beta): as admin of acme they manage only that tenant \(\/tenant set acme --name "<text>"\); adding tenants and defining cohorts is an operator's$/,
      );
    }
  });

  it('an admin narrowed to one environment does not own the tenant settings every environment shares', () => {
    expect(canPerform(TEST_POLICY, bindings, 'U_ACME_STG', tierOfAcme).allowed).toBe(false);
    expect(tenantScopedRefusal(TEST_POLICY, bindings, 'U_ACME_STG', tierOfAcme)).toMatch(/may not change tenant acme/);
  });

  it("adding tenants, other tenants' tiers and cohorts are an operator's, with a second person", () => {
    for (const change of [addTenant, tierOfGlobex, fillCohort]) {
      const result = classify(change, { policy: TEST_POLICY, bindings, actor: 'U_OPS1' });
      expect(result.class).toBe('risky');
      expect(result.reasons.join(' ')).toMatch(
        /shared by every environment.*: .*an operator's change, approved by a second person/,
      );
      expect(canApprove(TEST_POLICY, bindings, 'U_OPS2', change)).toMatchObject({ allowed: true, role: 'operator' });
      expect(canApprove(TEST_POLICY, bindings, 'U_OPS1', change).allowed).toBe(false);
    }
  });

  it('a developer or product manager may ask, but only an operator may approve', () => {
    const asked = classify({ ...addTenant, requestedBy: 'U_DEV' }, { policy: TEST_POLICY, bindings, actor: 'U_DEV' });
    expect(asked.class).toBe('risky');
    expect(asked.reasons[0]).toMatch(/^outside U_DEV's own rights/);
    expect(tenantScopedRefusal(TEST_POLICY, bindings, 'U_DEV', addTenant)).toBeUndefined();
    expect(canPerform(TEST_POLICY, bindings, 'U_PM', fillCohort).reason).toMatch(
      /cohort changes are not a product manager's/,
    );
    expect(canApprove(TEST_POLICY, bindings, 'U_DEV', { ...addTenant, requestedBy: 'U_PM' }).allowed).toBe(false);
    expect(canApprove(TEST_POLICY, bindings, 'U_ACME', { ...tierOfAcme, requestedBy: 'U_DEV' }).reason).toMatch(
      /needs an operator/,
    );
  });
});

describe('serving by tier', () => {
  it('is classified like any serve in that environment, without counting as a jump to 100 %', () => {
    const serve: ChangeRequest = {
      action: 'flag.serve',
      entity: 'flag',
      key: 'sso',
      flagKind: 'permission',
      env: 'production',
      variation: 'on',
      tier: 'enterprise',
      requestedBy: 'U_OPS1',
    };
    expect(classify(serve, { policy: TEST_POLICY, bindings, actor: 'U_OPS1' })).toEqual({
      class: 'risky',
      reasons: ['changed in production under the operator role (4-eyes)'],
    });
    expect(classify({ ...serve, env: 'staging' }, { policy: TEST_POLICY, bindings, actor: 'U_DEV' }).class).toBe(
      'standard',
    );
    expect(
      classify(
        { ...serve, tier: undefined, flagKind: 'release' },
        { policy: TEST_POLICY, bindings, actor: 'U_OPS1' },
      ).reasons.join(' '),
    ).toMatch(/jumps from 0% to 100%/);
  });
});
