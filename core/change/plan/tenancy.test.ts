import { policyOf } from '../../policy.js';
import { describe, expect, it } from 'vitest';
import type { CommandOf } from '../../command/schema.js';
import { compileFlag } from '../../engine/compile-flag.js';
import { flagDocumentSchema, type FlagDocument } from '../../model/flag.js';
import type { TenancyView } from '../../model/tenancy.js';
import { planChange, type PlannableCommand } from './index.js';
import { recheckTenancy, tenancyAudit } from './tenancy-apply.js';
import { tenancyUnits } from './tenancy.js';

const environments = ['dev', 'staging', 'production'];
const view = (): TenancyView => ({
  tenants: {
    acme: { id: 'acme', name: 'Acme Corp', tier: 'enterprise' },
    globex: { id: 'globex', name: 'globex', tier: 'standard' },
  },
  cohorts: { beta: { name: 'beta', description: 'early', members: ['acme'] } },
  tiers: ['enterprise', 'standard'],
});
const plan = (command: PlannableCommand, tenancy: TenancyView = view(), current: FlagDocument | null = null) =>
  planChange(command, {
    current,
    version: current ? 3 : 0,
    environments,
    now: new Date('2026-12-01T00:00:00Z'),
    tenancy,
  });
const cmd = <N extends PlannableCommand['name']>(command: CommandOf<N>) => command;

describe('planning tenant changes', () => {
  it('adds a tenant at the standard tier, named after its id unless named', () => {
    const added = plan(cmd({ name: 'tenant.add', id: 'initech' }));
    expect(added).toMatchObject({
      kind: 'tenant',
      key: 'initech',
      action: 'tenant.add',
      tenant: 'initech',
      envs: [],
      tenancy: { op: 'tenant.add', tenant: { id: 'initech', name: 'initech', tier: 'standard' } },
    });
    expect(added.summary).toBe('new tenant initech (tier standard)');
  });

  it('refuses a tenant id that is taken, naming how to change it instead', () => {
    expect(() => plan(cmd({ name: 'tenant.add', id: 'acme' }))).toThrow(
      'tenant `acme` already exists (Acme Corp, tier enterprise): change it with /tenant set acme --tier <tier>',
    );
  });

  it('sets a tier, says old → new, and refuses an unknown tenant or a change of nothing', () => {
    const set = plan(cmd({ name: 'tenant.set', id: 'globex', tier: 'enterprise' }));
    expect(set.summary).toBe('tenant globex: tier standard → enterprise');
    expect(set.tenancy).toEqual({
      op: 'tenant.set',
      before: view().tenants.globex,
      after: { id: 'globex', name: 'globex', tier: 'enterprise' },
    });
    expect(() => plan(cmd({ name: 'tenant.set', id: 'umbrella', tier: 'gold' }))).toThrow(
      'no tenant `umbrella`: add it with /tenant add umbrella (see /tenant list)',
    );
    expect(() => plan(cmd({ name: 'tenant.set', id: 'acme', tier: 'enterprise' }))).toThrow(
      'tenant `acme` already is Acme Corp, tier enterprise: nothing to change',
    );
  });
});

describe('planning cohort changes', () => {
  it('creates a cohort once, and refuses the same name again', () => {
    expect(plan(cmd({ name: 'cohort.create', cohort: 'gold', description: 'big ones' })).summary).toBe(
      'new cohort gold (big ones), no tenants yet',
    );
    expect(() => plan(cmd({ name: 'cohort.create', cohort: 'beta' }))).toThrow(
      'cohort `beta` already exists (1 tenant): add tenants with /cohort add beta <tenant…>',
    );
  });

  it('adds only the tenants not in the cohort yet, and names unknown tenants and cohorts with what to type', () => {
    const added = plan(cmd({ name: 'cohort.add', cohort: 'beta', tenants: ['acme', 'globex'] }));
    expect(added.tenancy).toEqual({ op: 'cohort.add', cohort: 'beta', tenants: ['globex'], members: ['acme'] });
    expect(added.summary).toBe('cohort beta: add globex (1 → 2 tenants; acme already in)');
    expect(() => plan(cmd({ name: 'cohort.add', cohort: 'beta', tenants: ['acme'] }))).toThrow(
      '`acme` already in cohort beta: nothing to change',
    );
    expect(() => plan(cmd({ name: 'cohort.add', cohort: 'beta', tenants: ['nope', 'zip'] }))).toThrow(
      'no tenant `nope`, `zip`: add them with /tenant add nope, /tenant add zip (see /tenant list)',
    );
    expect(() => plan(cmd({ name: 'cohort.add', cohort: 'gamma', tenants: ['acme'] }))).toThrow(
      'no cohort `gamma`: create it with /cohort create gamma (see /cohort list)',
    );
  });

  it('removes members only', () => {
    expect(plan(cmd({ name: 'cohort.remove', cohort: 'beta', tenants: ['acme'] })).summary).toBe(
      'cohort beta: remove acme (1 → 0 tenants)',
    );
    expect(() => plan(cmd({ name: 'cohort.remove', cohort: 'beta', tenants: ['globex'] }))).toThrow(
      '`globex` is not in cohort beta (members: acme): see /cohort list',
    );
  });
});

describe('applying a tenancy plan later', () => {
  it('refuses to overwrite a tenant whose settings moved while the request waited', () => {
    const set = plan(cmd({ name: 'tenant.set', id: 'globex', tier: 'enterprise' })).tenancy!;
    const moved = view();
    moved.tenants.globex!.tier = 'gold';
    expect(() => recheckTenancy(set, view())).not.toThrow();
    expect(() => recheckTenancy(set, moved)).toThrow(
      /tenant `globex` changed after this request was made \(tier standard then, tier gold now\): nothing was applied/,
    );
  });

  it('audits members old → new', () => {
    const added = plan(cmd({ name: 'cohort.add', cohort: 'beta', tenants: ['globex'] })).tenancy!;
    expect(tenancyAudit(added, view())).toEqual({
      entityKind: 'cohort',
      entityKey: 'beta',
      tenants: ['globex'],
      diff: { 'cohort beta.members': { old: ['acme'], new: ['acme', 'globex'] } },
    });
  });

  it('is judged in the production environments, for the tenant it names', () => {
    expect(tenancyUnits('acme', policyOf({ ENVIRONMENTS: environments }))).toEqual([
      { env: 'production', tenant: 'acme' },
    ]);
    expect(
      tenancyUnits(
        undefined,
        policyOf({ ENVIRONMENTS: ['dev', 'prod-eu', 'prod-us'], PRODUCTION_ENVIRONMENTS: ['prod-eu', 'prod-us'] }),
      ),
    ).toEqual([{ env: 'prod-eu' }, { env: 'prod-us' }]);
    expect(tenancyUnits(undefined, policyOf({ ENVIRONMENTS: ['dev', 'live'] }))).toEqual([{ env: 'live' }]);
  });
});

describe('serving a permission flag by tier', () => {
  const flag = (kind: FlagDocument['kind'] = 'permission') =>
    flagDocumentSchema.parse({
      key: 'sso',
      kind,
      owner: 'id',
      description: 'SSO',
      default: 'off',
      variations: [
        { id: 'on', value: true },
        { id: 'off', value: false },
      ],
      ...(kind === 'release' ? { expiry: '2027-01-31' } : {}),
    });
  const serve = (current: FlagDocument, variation: string, tier = 'enterprise', tenancy = view()) =>
    plan({ name: 'flag.serve', key: 'sso', variation, env: 'production', tier }, tenancy, current);

  it('is a rule tenant.tier eq <tier> with the id tier:<tier>, which the engine matches on the tier apps send', () => {
    const planned = serve(flag(), 'on');
    const doc = (planned.target as { document: FlagDocument }).document;
    expect(doc.environments.production!.rules).toEqual([
      {
        id: 'tier:enterprise',
        priority: 1,
        condition: { 'tenant.tier': { eq: 'enterprise' } },
        action: { serve: 'on' },
      },
    ]);
    expect(planned.summary).toBe('sso in production: serve on to tenants of tier enterprise (rule tier:enterprise)');
    const evaluate = compileFlag(doc, 'production');
    expect(evaluate({ targetingKey: 'u1', tenant: { id: 'acme', tier: 'enterprise' } })).toMatchObject({
      variant: 'on',
      reason: 'TARGETING_MATCH',
    });
    expect(evaluate({ targetingKey: 'u2', tenant: { id: 'globex', tier: 'standard' } })).toMatchObject({
      variant: 'off',
    });
  });

  it('replaces the earlier rule for the same tier in place, keeping its priority', () => {
    const first = (serve(flag(), 'on').target as { document: FlagDocument }).document;
    const withStandard = (serve(first, 'on', 'standard').target as { document: FlagDocument }).document;
    const again = serve(withStandard, 'off');
    const rules = (again.target as { document: FlagDocument }).document.environments.production!.rules;
    expect(rules.map((r) => [r.id, r.priority, 'serve' in r.action ? r.action.serve : undefined])).toEqual([
      ['tier:enterprise', 1, 'off'],
      ['tier:standard', 2, 'on'],
    ]);
    expect(again.summary).toBe(
      'sso in production: serve off to tenants of tier enterprise (rule tier:enterprise, was on)',
    );
    expect(() => serve(first, 'on')).toThrow(/nothing to change/);
  });

  it('refuses other kinds of flag, naming the rule to add instead, and a tier no tenant has', () => {
    expect(() => serve(flag('release'), 'on')).toThrow(
      '--tier serves permission flags by tenant tier, and sso is a release flag: target a tier with /flag rule add sso --env production --if "tenant.tier eq enterprise" --serve on',
    );
    expect(() => serve(flag(), 'on', 'enterprize')).toThrow(
      'no tenant has tier `enterprize` (tiers in use: enterprise, standard): check the spelling, or give a tenant that tier first with /tenant set <id> --tier enterprize',
    );
  });
});
