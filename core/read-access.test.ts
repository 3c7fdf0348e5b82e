import { describe, expect, it } from 'vitest';
import { TEST_POLICY } from '../test/policy.js';
import type { ConfigEntry } from './model/config-entry.js';
import type { FlagDocument } from './model/flag.js';
import { policyOf } from './policy.js';
import { canPerform, type RoleBinding } from './rbac.js';
import {
  assertCanRead,
  auditRowPlaces,
  canRead,
  canReadAll,
  readableAuditRows,
  readableEnvironments,
  readRefusal,
  readScope,
  readsAnything,
  redactConfig,
  redactFlag,
} from './read-access.js';

const bindings: RoleBinding[] = [
  { subject: 'U_VIEW_STG', role: 'viewer', env: 'staging' },
  { subject: 'U_VIEW', role: 'viewer' },
  { subject: 'U_DEV', role: 'developer' },
  { subject: 'U_PM', role: 'product_manager' },
  { subject: 'U_ACME', role: 'admin', tenant: 'acme' },
  { subject: 'U_ACME_PROD', role: 'admin', tenant: 'acme', env: 'production' },
  { subject: 'U_CALL', role: 'oncall', env: 'production' },
  { subject: 'U_OPS_PROD', role: 'operator', env: 'production' },
];
const scopeOf = (actor: string) => readScope(TEST_POLICY, bindings, actor);

const state = {
  killed: false,
  killedTenants: ['acme', 'globex'],
  userOverrides: { 'user-1': { variation: 'on' } },
  tenantOverrides: { acme: 'on', globex: 'off' },
  rules: [],
  serve: { serve: 'on' },
};
const flag = {
  key: 'checkout',
  description: 'Checkout',
  owner: 'web',
  variations: [
    { id: 'on', value: true },
    { id: 'off', value: false },
  ],
  default: 'off',
  rules: [],
  environments: { dev: state, staging: state, production: state },
} as unknown as FlagDocument;

describe('who reads what', () => {
  it('someone with no role reads nothing, and is told which grant would cover it', () => {
    const nobody = scopeOf('U_X');
    expect(readsAnything(nobody)).toBe(false);
    expect(readRefusal(nobody, { env: 'production' })).toBe(
      'U_X has no Switchyard role that covers production: ask an operator for `viewer --env production`',
    );
    expect(() => assertCanRead(nobody, { env: 'staging', tenant: 'acme' })).toThrow(
      /covers tenant acme in staging: ask an operator for `viewer --env staging --tenant acme`/,
    );
    expect(readRefusal(nobody)).toMatch(
      /covers any environment: .*`viewer --env <env>` \(one of dev, staging, production\)/,
    );
  });

  it('each role reads where it reaches: developer below production, product manager production, on call its environment', () => {
    expect(readableEnvironments(scopeOf('U_DEV'))).toEqual(['dev', 'staging']);
    expect(readableEnvironments(scopeOf('U_PM'))).toEqual(['production']);
    expect(readableEnvironments(scopeOf('U_CALL'))).toEqual(['production']);
    expect(readableEnvironments(scopeOf('U_VIEW'))).toEqual(['dev', 'staging', 'production']);
    expect(readableEnvironments(scopeOf('U_VIEW_STG'))).toEqual(['staging']);
  });

  it('data of every environment needs one binding reaching all of them; a refusal names what the reader holds', () => {
    expect(canRead(scopeOf('U_VIEW'), {})).toBe(true);
    expect(canRead(scopeOf('U_DEV'), {})).toBe(false);
    expect(canRead(scopeOf('U_OPS_PROD'), {})).toBe(false);
    expect(readRefusal(scopeOf('U_DEV'), {})).toBe(
      'U_DEV has no Switchyard role that covers every environment (U_DEV holds developer (below production)): ask an operator for `viewer`',
    );
  });

  it("a tenant's admin reads that tenant's data only, never env-wide data", () => {
    const acme = scopeOf('U_ACME');
    expect(canRead(acme, { env: 'production', tenant: 'acme' })).toBe(true);
    expect(canRead(acme, { tenant: 'acme' })).toBe(true);
    expect(canRead(acme, { env: 'production', tenant: 'globex' })).toBe(false);
    expect(canRead(acme, { env: 'production' })).toBe(false);
    expect(canRead(scopeOf('U_ACME_PROD'), { env: 'staging', tenant: 'acme' })).toBe(false);
  });

  it('a binding past its `until` no longer counts when the time is given', () => {
    const expired: RoleBinding[] = [{ subject: 'U_T', role: 'viewer', until: '2026-01-01T00:00:00Z' }];
    expect(readsAnything(readScope(TEST_POLICY, expired, 'U_T', { now: new Date('2026-02-01T00:00:00Z') }))).toBe(
      false,
    );
    expect(readsAnything(readScope(TEST_POLICY, expired, 'U_T', { now: new Date('2025-12-01T00:00:00Z') }))).toBe(true);
  });

  it('a change request spanning places needs each of them; one touching nothing, any reader', () => {
    expect(canReadAll(scopeOf('U_DEV'), [{ env: 'dev' }, { env: 'staging' }])).toBe(true);
    expect(canReadAll(scopeOf('U_DEV'), [{ env: 'staging' }, { env: 'production' }])).toBe(false);
    expect(canReadAll(scopeOf('U_DEV'), [])).toBe(true);
    expect(canReadAll(scopeOf('U_X'), [])).toBe(false);
  });

  it('reads are no longer allowed by canPerform for any binding: they go through read scope', () => {
    const read = { action: 'flag.show', entity: 'flag', key: 'checkout' } as const;
    expect(canPerform(TEST_POLICY, bindings, 'U_VIEW', read)).toMatchObject({
      allowed: false,
      reason: expect.stringContaining('core/read-access.ts'),
    });
  });
});

describe('redaction', () => {
  it('a staging viewer sees staging only; a tenant admin its own overrides and kills, and no user overrides', () => {
    expect(Object.keys(redactFlag(scopeOf('U_VIEW_STG'), flag).environments)).toEqual(['staging']);
    const acme = redactFlag(scopeOf('U_ACME_PROD'), flag);
    expect(Object.keys(acme.environments)).toEqual(['production']);
    expect(acme.environments.production).toMatchObject({
      killedTenants: ['acme'],
      tenantOverrides: { acme: 'on' },
      userOverrides: {},
      serve: { serve: 'on' },
    });
    expect(redactFlag(scopeOf('U_VIEW'), flag)).toEqual(flag);
  });

  it('a config entry keeps the scoped values the reader covers; its global value only for a reader of every environment', () => {
    const entry = {
      key: 'timeout',
      type: 'config',
      valueType: 'int',
      description: '',
      owner: 'web',
      secret: false,
      value: 30,
      scopes: [
        { env: 'production', value: 10 },
        { env: 'staging', value: 20 },
        { env: 'staging', tenant: 'acme', value: 21 },
        { env: 'staging', user: 'user-1', value: 22 },
        { tenant: 'acme', value: 23 },
      ],
    } as ConfigEntry;
    const staging = redactConfig(scopeOf('U_VIEW_STG'), entry);
    expect(staging.value).toBeUndefined();
    expect(staging.scopes.map((s) => s.value)).toEqual([20, 21, 22]);
    expect(redactConfig(scopeOf('U_ACME'), entry).scopes.map((s) => s.value)).toEqual([21, 23]);
    expect(redactConfig(scopeOf('U_VIEW'), entry)).toEqual(entry);
  });

  it('audit rows are kept where the reader covers each place; a row of no environment needs a reader of all', () => {
    const rows = [
      { seq: 1, environment: 'staging' },
      { seq: 2, environment: 'production', tenant: 'acme' },
      { seq: 3, detail: { touched: { environments: ['dev', 'staging'], tenants: [] } } },
      { seq: 4, detail: { touched: { environments: ['staging', 'production'], tenants: [] } } },
      { seq: 5, detail: {} },
    ];
    const seqs = (actor: string) => readableAuditRows(scopeOf(actor), rows).map((r) => r.seq);
    expect(seqs('U_DEV')).toEqual([1, 3]);
    expect(seqs('U_ACME')).toEqual([2]);
    expect(seqs('U_PM')).toEqual([2]);
    expect(seqs('U_VIEW')).toEqual([1, 2, 3, 4, 5]);
    expect(seqs('U_X')).toEqual([]);
    expect(auditRowPlaces({ detail: {} })).toEqual([{}]);
  });

  it('production is whatever the policy says, not a name', () => {
    const policy = policyOf({
      ENVIRONMENTS: ['dev', 'prod-eu', 'prod-us'],
      PRODUCTION_ENVIRONMENTS: ['prod-eu', 'prod-us'],
    });
    const dev = readScope(policy, [{ subject: 'U', role: 'developer' }], 'U');
    expect(readableEnvironments(dev)).toEqual(['dev']);
    expect(readRefusal(dev, { env: 'prod-us' })).toMatch(/`viewer --env prod-us`$/);
  });
});
