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
const as = (actor: string) => ({ bindings, actor });
const release = (over: Partial<ChangeRequest>): ChangeRequest => ({ action: 'flag.rollout', entity: 'flag', key: 'checkout', flagKind: 'release', env: 'production', variation: 'on', ...over });

describe('classifying a change (SPEC §5)', () => {
  it('a rollout from 0% straight to 100% is risky and names the skipped stages', () => {
    const result = classify(release({ rollout: { from: 0, to: 100, stages: [100] } }), as('UPM'));
    expect(result.class).toBe('risky');
    expect(result.reasons).toContain('jumps from 0% to 100% in production, skipping the 1%, 5%, 25%, 50% stages');
  });

  it('a rollout step from 10% to 25% is standard', () => {
    const result = classify(release({ action: 'flag.rollout', rollout: { from: 10, to: 25, stages: [25] } }), as('UPM'));
    expect(result.class).toBe('standard');
    expect(result.reasons).toContain('rollout step 10% → 25% follows the stage plan');
  });

  it('reads the starting percentage from the current flag', () => {
    const current = flagDocumentSchema.parse({
      key: 'checkout', kind: 'release', description: 'd', owner: 'o', default: 'off',
      variations: [{ id: 'on', value: true }, { id: 'off', value: false }],
      environments: { production: { serve: { rollout: { on: 50, off: 50 } } } },
    });
    expect(classify(release({ action: 'flag.on', variation: undefined }), { ...as('UPM'), currentFlag: current }).class).toBe('standard');
    const fromZero = { ...current, environments: {} };
    const jump = classify(release({ action: 'flag.on', variation: undefined }), { ...as('UPM'), currentFlag: fromZero });
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
    const result = classify({ action: 'config.secret.set', entity: 'secret', key: 'stripe', env: 'production' }, as('UOPS'));
    expect(result.class).toBe('risky');
    expect(result.reasons).toContain('secrets always need a second person');
  });

  it('production-wide config, ops flags and role grants are risky', () => {
    expect(classify({ action: 'config.set', entity: 'config', key: 'timeout' }, as('UOPS')).reasons).toContain('config for all of every environment (not scoped to a tenant or user)');
    expect(classify(release({ action: 'flag.off', flagKind: 'ops' }), as('UOPS')).reasons).toContain('ops flag (circuit breaker) in production');
    expect(classify({ action: 'change.role.grant', entity: 'role', key: 'UNEW', role: 'operator', env: 'production' }, as('UOPS')).class).toBe('risky');
  });

  it("an operator's production change is risky even when a PM's same change would not be", () => {
    const step = release({ flagKind: 'experiment', action: 'flag.serve', variation: 'b' });
    expect(classify(step, as('UPM')).class).toBe('standard');
    const byOperator = classify(step, as('UOPS'));
    expect(byOperator.class).toBe('risky');
    expect(byOperator.reasons).toContain('changed in production under the operator role (4-eyes)');
  });

  it('a change outside the actor\'s rights is never standard', () => {
    const result = classify(release({ action: 'flag.rule.add' }), as('UDEV'));
    expect(result.class).toBe('risky');
    expect(result.reasons[0]).toMatch(/^outside UDEV's own rights/);
  });

  it('break-glass is an emergency; system stage advances are standard', () => {
    expect(classify(release({ action: 'flag.break-glass' }), as('UOPS')).class).toBe('emergency');
    expect(classify(release({ action: 'flag.rollout.stage', rollout: { from: 5, to: 25 } }), as('system')).class).toBe('standard');
  });
});
