import { TEST_POLICY } from '../test/policy.js';
import { describe, expect, it } from 'vitest';
import type { ChangeRequest } from './change-request.js';
import { canApprove, canPerform, type RoleBinding } from './rbac.js';

const bindings: RoleBinding[] = [
  { subject: 'UDEV', role: 'developer' },
  { subject: 'UPM', role: 'product_manager' },
  { subject: 'UOPS', role: 'operator' },
  { subject: 'UOPS2', role: 'operator' },
  { subject: 'UADMIN', role: 'admin', tenant: 'acme' },
  { subject: 'USTAGE', role: 'developer', env: 'staging' },
];

const flag = (over: Partial<ChangeRequest>): ChangeRequest => ({
  action: 'flag.on',
  entity: 'flag',
  key: 'checkout',
  flagKind: 'release',
  ...over,
});

describe('who may change what', () => {
  it('a developer changes anything in dev and staging but cannot touch production', () => {
    expect(canPerform(TEST_POLICY, bindings, 'UDEV', flag({ env: 'dev' })).allowed).toBe(true);
    expect(
      canPerform(TEST_POLICY, bindings, 'UDEV', {
        action: 'config.set',
        entity: 'config',
        key: 'timeout',
        env: 'staging',
      }).allowed,
    ).toBe(true);
    const prod = canPerform(TEST_POLICY, bindings, 'UDEV', flag({ env: 'production' }));
    expect(prod.allowed).toBe(false);
    expect(prod.reason).toContain('developer (below production) does not cover production');
    expect(
      canPerform(TEST_POLICY, bindings, 'UDEV', { action: 'config.set', entity: 'config', key: 'timeout' }).allowed,
    ).toBe(false);
  });

  it('a binding narrowed to one environment applies only there', () => {
    expect(canPerform(TEST_POLICY, bindings, 'USTAGE', flag({ env: 'staging' })).allowed).toBe(true);
    expect(canPerform(TEST_POLICY, bindings, 'USTAGE', flag({ env: 'dev' })).allowed).toBe(false);
  });

  it('a product manager runs experiments and plan-following release rollouts in production, nothing else', () => {
    expect(
      canPerform(
        TEST_POLICY,
        bindings,
        'UPM',
        flag({ env: 'production', flagKind: 'experiment', action: 'flag.serve', variation: 'b' }),
      ).allowed,
    ).toBe(true);
    expect(
      canPerform(
        TEST_POLICY,
        bindings,
        'UPM',
        flag({ env: 'production', action: 'flag.rollout', rollout: { from: 0, to: 100, stages: [1, 5, 25, 50, 100] } }),
      ).allowed,
    ).toBe(true);
    const jump = canPerform(
      TEST_POLICY,
      bindings,
      'UPM',
      flag({ env: 'production', action: 'flag.rollout', rollout: { from: 0, to: 100, stages: [100] } }),
    );
    expect(jump).toMatchObject({ allowed: false });
    expect(jump.reason).toContain('skips stages');
    expect(canPerform(TEST_POLICY, bindings, 'UPM', flag({ env: 'production', flagKind: 'ops' })).allowed).toBe(false);
    expect(
      canPerform(TEST_POLICY, bindings, 'UPM', {
        action: 'config.set',
        entity: 'config',
        key: 'timeout',
        env: 'production',
      }).allowed,
    ).toBe(false);
    expect(canPerform(TEST_POLICY, bindings, 'UPM', flag({ env: 'dev', flagKind: 'experiment' })).allowed).toBe(false);
  });

  it('an operator may change anything in production, including secrets and roles', () => {
    expect(canPerform(TEST_POLICY, bindings, 'UOPS', flag({ env: 'production', flagKind: 'ops' })).allowed).toBe(true);
    expect(
      canPerform(TEST_POLICY, bindings, 'UOPS', {
        action: 'config.secret.set',
        entity: 'secret',
        key: 'stripe',
        env: 'production',
      }),
    ).toMatchObject({ allowed: true, role: 'operator' });
    expect(
      canPerform(TEST_POLICY, bindings, 'UOPS', {
        action: 'change.role.grant',
        entity: 'role',
        key: 'UNEW',
        role: 'developer',
      }).allowed,
    ).toBe(true);
    expect(
      canPerform(TEST_POLICY, bindings, 'UDEV', {
        action: 'change.role.grant',
        entity: 'role',
        key: 'UNEW',
        role: 'developer',
        env: 'dev',
      }).allowed,
    ).toBe(false);
  });

  it("an admin changes only their own tenant's settings", () => {
    expect(canPerform(TEST_POLICY, bindings, 'UADMIN', flag({ env: 'production', tenant: 'acme' })).allowed).toBe(true);
    expect(canPerform(TEST_POLICY, bindings, 'UADMIN', flag({ env: 'production', tenant: 'globex' })).allowed).toBe(
      false,
    );
    expect(canPerform(TEST_POLICY, bindings, 'UADMIN', flag({ env: 'production' })).allowed).toBe(false);
  });

  it('the system advances rollouts and trips circuit breakers, but does not change config', () => {
    expect(
      canPerform(TEST_POLICY, bindings, 'system', flag({ env: 'production', action: 'flag.rollout.stage' })).allowed,
    ).toBe(true);
    expect(
      canPerform(TEST_POLICY, bindings, 'system', flag({ env: 'production', action: 'flag.off', flagKind: 'ops' }))
        .allowed,
    ).toBe(true);
    expect(
      canPerform(TEST_POLICY, bindings, 'system', {
        action: 'config.set',
        entity: 'config',
        key: 'timeout',
        env: 'production',
      }).allowed,
    ).toBe(false);
  });

  it('someone without a role is refused and told so', () => {
    expect(canPerform(TEST_POLICY, bindings, 'UNOBODY', flag({ env: 'dev' }))).toEqual({
      allowed: false,
      reason: 'UNOBODY has no Switchyard role, so may not flag.on checkout in dev',
    });
  });
});

describe('who may approve (4-eyes)', () => {
  const risky = flag({ env: 'production', flagKind: 'ops', requestedBy: 'UOPS' });

  it("an operator's own request cannot be approved by themselves", () => {
    const decision = canApprove(TEST_POLICY, bindings, 'UOPS', risky);
    expect(decision.allowed).toBe(false);
    expect(decision.reason).toBe('UOPS requested this change and cannot approve it: a second person must');
  });

  it('another operator may approve it', () => {
    expect(canApprove(TEST_POLICY, bindings, 'UOPS2', risky)).toMatchObject({ allowed: true, role: 'operator' });
  });

  it('an approver without a production role is refused', () => {
    const decision = canApprove(TEST_POLICY, bindings, 'UDEV', risky);
    expect(decision.allowed).toBe(false);
    expect(decision.reason).toMatch(/^UDEV cannot approve: /);
    const pm = canApprove(
      TEST_POLICY,
      bindings,
      'UPM',
      flag({ env: 'production', flagKind: 'experiment', requestedBy: 'UOPS' }),
    );
    expect(pm.allowed).toBe(false);
    expect(pm.reason).toContain('needs an operator in production');
  });

  it('a developer may approve a staging change of another developer', () => {
    expect(canApprove(TEST_POLICY, bindings, 'UDEV', flag({ env: 'staging', requestedBy: 'USTAGE' })).allowed).toBe(
      true,
    );
  });

  it('the system never approves', () => {
    expect(canApprove(TEST_POLICY, bindings, 'system', risky).allowed).toBe(false);
  });
});

describe('rights over what a change touches', () => {
  const team: RoleBinding[] = [
    { subject: 'U_ALICE', role: 'developer' },
    { subject: 'U_ALICE', role: 'operator', env: 'production' },
    { subject: 'U_BOB', role: 'operator', env: 'production' },
    { subject: 'U_CAROL', role: 'operator' },
  ];
  const everywhere = [{ env: 'dev' }, { env: 'staging' }, { env: 'production' }];

  it('"every environment" is each environment, not a scope of its own', () => {
    const killAll: ChangeRequest = { action: 'flag.kill', entity: 'flag', key: 'x', touched: everywhere };
    expect(canPerform(TEST_POLICY, team, 'U_ALICE', killAll).allowed).toBe(true);
    const bob = canPerform(TEST_POLICY, team, 'U_BOB', killAll);
    expect(bob.allowed).toBe(false);
    expect(bob.reason).toContain('U_BOB may not flag.kill x in dev');
    expect(bob.reason).toContain('U_BOB may not flag.kill x in staging');
    expect(bob.reason).not.toContain('in production');
  });

  it('an approver must be able to make every part of the change', () => {
    const killAll: ChangeRequest = {
      action: 'flag.kill',
      entity: 'flag',
      key: 'x',
      touched: everywhere,
      requestedBy: 'U_DEV',
    };
    const bob = canApprove(TEST_POLICY, team, 'U_BOB', killAll);
    expect(bob.allowed).toBe(false);
    expect(bob.reason).toMatch(/^U_BOB cannot approve: U_BOB may not flag\.kill x in dev/);
    expect(canApprove(TEST_POLICY, team, 'U_ALICE', killAll)).toMatchObject({ allowed: true, role: 'operator' });
    expect(canApprove(TEST_POLICY, team, 'U_CAROL', killAll).allowed).toBe(true);
  });
});
