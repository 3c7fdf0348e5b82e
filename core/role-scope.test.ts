import { policyOf } from './policy.js';
import { describe, expect, it } from 'vitest';
import { ValidationError } from './errors.js';
import { assertGrantableScope, describeRoleScope, roleScopeRefusal } from './role-scope.js';

const options = policyOf({ ENVIRONMENTS: ['dev', 'staging', 'production'] });

describe('role grants refuse scopes a role cannot have', () => {
  it('an admin needs a tenant, and may be narrowed to an environment', () => {
    expect(roleScopeRefusal('admin', {}, options)).toBe(
      'admin is scoped to a tenant: give --tenant <id> (and optionally --env <env>)',
    );
    expect(roleScopeRefusal('admin', { env: 'production' }, options)).toMatch(/give --tenant <id>/);
    expect(roleScopeRefusal('admin', { tenant: 'acme' }, options)).toBeUndefined();
    expect(roleScopeRefusal('admin', { tenant: 'acme', env: 'staging' }, options)).toBeUndefined();
  });

  it('a developer works below production only, naming the lower environments', () => {
    expect(roleScopeRefusal('developer', { env: 'production' }, options)).toMatch(
      /^developer works below production, not in production: give --env dev or staging, or no --env for every environment below production/,
    );
    for (const scope of [{}, { env: 'dev' }, { env: 'staging' }])
      expect(roleScopeRefusal('developer', scope, options)).toBeUndefined();
  });

  it('a product manager works in production only', () => {
    expect(roleScopeRefusal('product_manager', { env: 'staging' }, options)).toMatch(
      /^product_manager works in production, not in staging: give --env production, or no --env/,
    );
    for (const scope of [{}, { env: 'production' }])
      expect(roleScopeRefusal('product_manager', scope, options)).toBeUndefined();
  });

  it('an operator may have any environment or none', () => {
    for (const scope of [{}, { env: 'dev' }, { env: 'production' }, { tenant: 'acme' }])
      expect(roleScopeRefusal('operator', scope, options)).toBeUndefined();
  });

  it('the system role is never granted, whatever the scope', () => {
    expect(roleScopeRefusal('system', {}, options)).toMatch(
      /cannot be granted: grant one of developer, product_manager, operator, admin/,
    );
  });

  it('production is what the policy says: with dev,staging,prod a developer cannot be granted prod', () => {
    const prod = policyOf({ ENVIRONMENTS: ['dev', 'staging', 'prod'] });
    expect(roleScopeRefusal('developer', { env: 'prod' }, prod)).toMatch(
      /developer works below production, not in prod/,
    );
    expect(roleScopeRefusal('product_manager', { env: 'staging' }, prod)).toMatch(/give --env prod/);
    expect(roleScopeRefusal('developer', { env: 'staging' }, prod)).toBeUndefined();
  });

  it('on call is granted per environment; a viewer may have any scope', () => {
    expect(roleScopeRefusal('oncall', {}, options)).toBe(
      'oncall is per environment: give --env dev or staging or production',
    );
    expect(roleScopeRefusal('oncall', { env: 'production' }, options)).toBeUndefined();
    for (const scope of [{}, { env: 'production' }, { tenant: 'acme' }])
      expect(roleScopeRefusal('viewer', scope, options)).toBeUndefined();
  });

  it('an unknown role or environment names the choices', () => {
    expect(roleScopeRefusal('root', {}, options)).toBe(
      'role must be one of developer, product_manager, operator, admin, viewer, oncall (got root)',
    );
    expect(roleScopeRefusal('operator', { env: 'qa' }, options)).toBe(
      '--env must be one of dev, staging, production (got qa)',
    );
  });

  it('production environments are configurable', () => {
    const two = policyOf({
      ENVIRONMENTS: ['dev', 'prod-eu', 'prod-us'],
      PRODUCTION_ENVIRONMENTS: ['prod-eu', 'prod-us'],
    });
    expect(roleScopeRefusal('developer', { env: 'prod-us' }, two)).toMatch(/give --env dev,/);
    expect(roleScopeRefusal('product_manager', { env: 'dev' }, two)).toMatch(/give --env prod-eu or prod-us,/);
  });

  it('assertGrantableScope throws a ValidationError that says what was asked', () => {
    expect(() => assertGrantableScope('admin', {}, options)).toThrow(ValidationError);
    expect(() => assertGrantableScope('admin', {}, options)).toThrow(
      /^cannot grant admin without a scope: admin is scoped to a tenant/,
    );
    expect(() => assertGrantableScope('developer', { env: 'production' }, options)).toThrow(
      /^cannot grant developer \(env production\): /,
    );
  });

  it('a scope reads as what it covers, never as "its default scope"', () => {
    expect(describeRoleScope('developer', {})).toBe('every environment below production');
    expect(describeRoleScope('product_manager', {})).toBe('every production environment');
    expect(describeRoleScope('admin', { tenant: 'acme' })).toBe('tenant acme');
  });
});
