import { TEST_POLICY } from '../test/policy.js';
import { describe, expect, it } from 'vitest';
import type { ChangeRequest } from './change-request.js';
import { classify } from './classify.js';
import { flagDocumentSchema } from './model/flag.js';
import type { RoleBinding } from './rbac.js';

const bindings: RoleBinding[] = [
  { subject: 'UDEV', role: 'developer' },
  { subject: 'UPM', role: 'product_manager' },
  { subject: 'UOPS', role: 'operator' },
];
const as = (actor: string) => ({ policy: TEST_POLICY, bindings, actor });
const release = (over: Partial<ChangeRequest>): ChangeRequest => ({
  action: 'flag.rollout',
  entity: 'flag',
  key: 'checkout',
  flagKind: 'release',
  env: 'production',
  variation: 'on',
  ...over,
});

describe('classifying a change', () => {
  it('a rollout from 0% straight to 100% is risky and names the skipped stages', () => {
    const result = classify(release({ rollout: { from: 0, to: 100, stages: [100] } }), as('UPM'));
    expect(result.class).toBe('risky');
    expect(result.reasons).toContain('jumps from 0% to 100% in production, skipping the 1%, 5%, 25%, 50% stages');
  });

  it('a rollout step from 10% to 25% is standard', () => {
    const result = classify(
      release({ action: 'flag.rollout', rollout: { from: 10, to: 25, stages: [25] } }),
      as('UPM'),
    );
    expect(result.class).toBe('standard');
    expect(result.reasons).toContain('rollout step 10% → 25% follows the stage plan');
  });

  it('reads the starting percentage from the current flag', () => {
    const current = flagDocumentSchema.parse({
      key: 'checkout',
      kind: 'release',
      description: 'd',
      owner: 'o',
      default: 'off',
      variations: [
        { id: 'on', value: true },
        { id: 'off', value: false },
      ],
      environments: { production: { serve: { rollout: { on: 50, off: 50 } } } },
    });
    expect(
      classify(release({ action: 'flag.on', variation: undefined }), { ...as('UPM'), currentFlag: current }).class,
    ).toBe('standard');
    const fromZero = { ...current, environments: {} };
    const jump = classify(release({ action: 'flag.on', variation: undefined }), {
      ...as('UPM'),
      currentFlag: fromZero,
    });
    expect(jump.class).toBe('risky');
    expect(jump.reasons.join()).toContain('skipping the 1%, 5%, 25%, 50% stages');
  });

  it('a kill switch is standard, even in production', () => {
    expect(classify(release({ action: 'flag.kill', variation: undefined }), as('UOPS')).class).toBe('standard');
    expect(classify(release({ action: 'flag.kill', flagKind: 'experiment' }), as('UPM')).class).toBe('standard');
  });

  it('any dev change is standard', () => {
    const result = classify(release({ env: 'dev', action: 'flag.serve', rollout: { from: 0, to: 100 } }), as('UDEV'));
    expect(result).toEqual({ class: 'standard', reasons: ['dev is not a production environment'] });
  });

  it('a secret is risky', () => {
    const result = classify(
      { action: 'config.secret.set', entity: 'secret', key: 'stripe', env: 'production' },
      as('UOPS'),
    );
    expect(result.class).toBe('risky');
    expect(result.reasons).toContain('secrets always need a second person');
  });

  it('production-wide config, ops flags and role grants are risky', () => {
    expect(classify({ action: 'config.set', entity: 'config', key: 'timeout' }, as('UOPS')).reasons).toContain(
      'config for all of every environment (not scoped to a tenant or user)',
    );
    expect(classify(release({ action: 'flag.off', flagKind: 'ops' }), as('UOPS')).reasons).toContain(
      'ops flag (circuit breaker) in production',
    );
    expect(
      classify(
        { action: 'change.role.grant', entity: 'role', key: 'UNEW', role: 'operator', env: 'production' },
        as('UOPS'),
      ).class,
    ).toBe('risky');
  });

  it("an operator's production change is risky even when a PM's same change would not be", () => {
    const step = release({ flagKind: 'experiment', action: 'flag.serve', variation: 'b' });
    expect(classify(step, as('UPM')).class).toBe('standard');
    const byOperator = classify(step, as('UOPS'));
    expect(byOperator.class).toBe('risky');
    expect(byOperator.reasons).toContain('changed in production under the operator role (4-eyes)');
  });

  it("a change outside the actor's rights is never standard", () => {
    const result = classify(release({ action: 'flag.rule.add' }), as('UDEV'));
    expect(result.class).toBe('risky');
    expect(result.reasons[0]).toMatch(/^outside UDEV's own rights/);
  });

  it('break-glass is an emergency; system stage advances are standard', () => {
    expect(classify(release({ action: 'flag.break-glass' }), as('UOPS')).class).toBe('emergency');
    expect(classify(release({ action: 'flag.rollout.stage', rollout: { from: 5, to: 25 } }), as('system')).class).toBe(
      'standard',
    );
  });
});

describe('classifying what a change touches, unit by unit', () => {
  // The README's setup: Alice develops in dev and staging and is an operator in production.
  const team: RoleBinding[] = [
    { subject: 'U_ALICE', role: 'developer' },
    { subject: 'U_ALICE', role: 'operator', env: 'production' },
    { subject: 'U_BOB', role: 'operator', env: 'production' },
    { subject: 'U_DEV', role: 'developer' },
    { subject: 'U_ADMIN', role: 'admin', tenant: 'acme' },
  ];
  const everywhere = [{ env: 'dev' }, { env: 'staging' }, { env: 'production' }];
  const killAll: ChangeRequest = {
    action: 'flag.kill',
    entity: 'flag',
    key: 'x',
    flagKind: 'release',
    touched: everywhere,
  };

  it('a kill in every environment is standard for someone who may change the flag in each of them', () => {
    const result = classify(killAll, { policy: TEST_POLICY, bindings: team, actor: 'U_ALICE' });
    expect(result.class).toBe('standard');
    expect(result.reasons).toContain('kill switch in production: reduces exposure, applied at once');
  });

  it('where the actor lacks the right, the kill waits, names that environment and offers break-glass there', () => {
    const result = classify(killAll, { policy: TEST_POLICY, bindings: team, actor: 'U_DEV' });
    expect(result.class).toBe('risky');
    const text = result.reasons.join('\n');
    expect(text).toContain('/flag break-glass x off --env production --reason "…"');
    expect(text).not.toMatch(/in (dev|staging)\b/);
  });

  it("an override in production is the operator's production change: 4-eyes", () => {
    const pin: ChangeRequest = {
      action: 'flag.override',
      entity: 'flag',
      key: 'x',
      flagKind: 'release',
      env: 'production',
      user: 'user-5',
      variation: 'off',
      touched: [{ env: 'production' }],
    };
    const result = classify(pin, { policy: TEST_POLICY, bindings: team, actor: 'U_BOB' });
    expect(result.class).toBe('risky');
    expect(result.reasons).toContain('changed in production under the operator role (4-eyes)');
    expect(
      classify(
        { ...pin, env: 'staging', touched: [{ env: 'staging' }] },
        { policy: TEST_POLICY, bindings: team, actor: 'U_DEV' },
      ).class,
    ).toBe('standard');
  });

  it('the typed --env does not decide: what the documents touch does', () => {
    // Typed staging, but the plan wrote production too (the old override did): judged on production.
    const result = classify(
      {
        action: 'flag.override',
        entity: 'flag',
        key: 'x',
        env: 'staging',
        user: 'u',
        touched: [{ env: 'staging' }, { env: 'production' }],
      },
      { policy: TEST_POLICY, bindings: team, actor: 'U_DEV' },
    );
    expect(result.class).toBe('risky');
    expect(result.reasons.join()).toMatch(/U_DEV may not flag\.override x in production/);
  });

  it("a tenant's admin kills that tenant everywhere at once, but not another tenant", () => {
    const tenantKill = (tenant: string): ChangeRequest => ({
      action: 'flag.kill',
      entity: 'flag',
      key: 'x',
      tenant,
      touched: everywhere.map((u) => ({ ...u, tenant })),
    });
    expect(classify(tenantKill('acme'), { policy: TEST_POLICY, bindings: team, actor: 'U_ADMIN' }).class).toBe(
      'standard',
    );
    expect(classify(tenantKill('globex'), { policy: TEST_POLICY, bindings: team, actor: 'U_ADMIN' }).class).toBe(
      'risky',
    );
  });
});
