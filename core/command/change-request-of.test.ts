import { parseTestCommand } from '../../test/parse-command.js';
import { TEST_POLICY } from '../../test/policy.js';
import { describe, expect, it } from 'vitest';
import { classify } from '../classify.js';
import { canPerform, type RoleBinding } from '../rbac.js';
import { changeRequestOf } from './change-request-of.js';

const bindings: RoleBinding[] = [
  { subject: 'UDEV', role: 'developer' },
  { subject: 'UPM', role: 'product_manager' },
  { subject: 'UOPS', role: 'operator' },
];

function requestFor(
  actor: string,
  command: '/flag' | '/config' | '/change',
  text: string,
  flagKind?: 'release' | 'ops' | 'experiment',
) {
  const request = changeRequestOf(parseTestCommand(command, text), { actor, flagKind });
  if (!request) throw new Error(`${text} changes nothing`);
  return request;
}

describe('from typed command to an authorized, classified change', () => {
  it('a developer turning a flag on in staging is allowed and standard', () => {
    const request = requestFor('UDEV', '/flag', 'on checkout --env staging', 'release');
    expect(canPerform(TEST_POLICY, bindings, 'UDEV', request).allowed).toBe(true);
    expect(classify(request, { policy: TEST_POLICY, bindings, actor: 'UDEV' }).class).toBe('standard');
  });

  it('a staged production rollout by a PM is standard; one squeezed into two stages is risky', () => {
    const planned = requestFor('UPM', '/flag', 'rollout checkout on --env production', 'release');
    expect(classify(planned, { policy: TEST_POLICY, bindings, actor: 'UPM' }).class).toBe('standard');
    const squeezed = requestFor('UPM', '/flag', 'rollout checkout on --env production --stages 50,100', 'release');
    expect(classify(squeezed, { policy: TEST_POLICY, bindings, actor: 'UPM' })).toMatchObject({ class: 'risky' });
  });

  it('a secret, a global config value and a role grant ask for a second person', () => {
    expect(
      classify(requestFor('UOPS', '/config', 'secret set stripe --env staging'), {
        policy: TEST_POLICY,
        bindings,
        actor: 'UOPS',
      }).class,
    ).toBe('risky');
    expect(
      classify(requestFor('UOPS', '/config', 'set timeout 5s --type duration --reason r'), {
        policy: TEST_POLICY,
        bindings,
        actor: 'UOPS',
      }).class,
    ).toBe('risky');
    expect(
      classify(requestFor('UOPS', '/change', 'role grant <@U7|eve> developer --env dev --reason r'), {
        policy: TEST_POLICY,
        bindings,
        actor: 'UOPS',
      }).class,
    ).toBe('risky');
  });

  it('reads change nothing', () => {
    expect(changeRequestOf(parseTestCommand('/flag', 'show checkout'), { actor: 'UDEV' })).toBeUndefined();
    expect(changeRequestOf(parseTestCommand('/change', 'approve cr-1'), { actor: 'UDEV' })).toBeUndefined();
  });
});
