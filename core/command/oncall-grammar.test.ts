import { parseTestCommand } from '../../test/parse-command.js';
import { describe, expect, it } from 'vitest';
import { planChange, type PlannableCommand } from '../change/plan/index.js';
import { classify } from '../classify.js';
import { policyOf } from '../policy.js';
import { changeRequestOf } from './change-request-of.js';
import { CommandError } from './errors.js';
import { roleChangeOf } from './role-change.js';

const now = new Date('2026-12-08T12:00:00Z');
const environments = ['dev', 'staging', 'production'];
const policy = policyOf({ ENVIRONMENTS: environments });

function problemOf(command: '/oncall' | '/change', text: string): string {
  try {
    parseTestCommand(command, text);
  } catch (err) {
    if (err instanceof CommandError) return err.problem;
    throw err;
  }
  throw new Error(`parsed: ${text}`);
}

describe('/oncall', () => {
  it('lists, and adds or removes someone for one environment, with a default justification', () => {
    expect(parseTestCommand('/oncall', 'list')).toEqual({ name: 'oncall.list' });
    expect(parseTestCommand('/oncall', 'add <@U42|bob> --env production --until 2026-12-09T09:00Z')).toEqual({
      name: 'oncall.add',
      subject: 'U42',
      env: 'production',
      until: '2026-12-09T09:00:00.000Z',
      reason: 'on-call rotation: U42 on call in production until 2026-12-09T09:00:00.000Z',
    });
    expect(parseTestCommand('/oncall', 'add U42 --env staging --reason "covers Bob"')).toMatchObject({
      reason: 'covers Bob',
    });
    expect(parseTestCommand('/oncall', 'remove U42 --env production')).toEqual({
      name: 'oncall.remove',
      subject: 'U42',
      env: 'production',
      reason: 'on-call rotation: U42 off call in production',
    });
    expect(parseTestCommand('/oncall', 'help').name).toBe('oncall.help');
  });

  it('needs an environment and a time with its zone, and a remove takes no end', () => {
    expect(problemOf('/oncall', 'add U42')).toBe('missing `--env <env>`');
    expect(problemOf('/oncall', 'add U42 --env qa')).toMatch(/`--env` must be one of dev, staging, production/);
    expect(problemOf('/oncall', 'add U42 --env production --until tomorrow')).toMatch(
      /--until must be an ISO time with its zone, like 2026-12-09T09:00Z .*\(got `tomorrow`\)/,
    );
    expect(problemOf('/oncall', 'remove U42 --env production --until 2026-12-09T09:00Z')).toBe(
      'unknown option `--until`',
    );
  });

  it('is the role change it stands for: a grant of oncall there, risky like every role change', () => {
    const add = parseTestCommand('/oncall', 'add U42 --env production --until 2026-12-09T09:00Z');
    expect(roleChangeOf(add)).toEqual({
      name: 'change.role.grant',
      subject: 'U42',
      role: 'oncall',
      env: 'production',
      until: '2026-12-09T09:00:00.000Z',
      reason: 'on-call rotation: U42 on call in production until 2026-12-09T09:00:00.000Z',
    });
    const p = planChange(add as PlannableCommand, { current: null, version: 0, environments, now });
    expect(p).toMatchObject({
      kind: 'role',
      action: 'role.grant',
      summary: 'grant oncall (env production, until 2026-12-09T09:00:00.000Z) to U42',
      role: { op: 'grant', subject: 'U42', role: 'oncall', env: 'production', until: '2026-12-09T09:00:00.000Z' },
    });
    const request = changeRequestOf(add, { actor: 'U_OPS1' })!;
    expect(request).toMatchObject({ action: 'change.role.grant', entity: 'role', key: 'U42', role: 'oncall' });
    const bindings = [{ subject: 'U_OPS1', role: 'operator' as const, env: 'production' }];
    expect(classify(request, { policy, bindings, actor: 'U_OPS1' }).reasons).toContain(
      'role changes always need a second person (grants oncall)',
    );
    const remove = parseTestCommand('/oncall', 'remove U42 --env production');
    expect(changeRequestOf(remove, { actor: 'U_OPS1' })).toMatchObject({
      action: 'change.role.revoke',
      role: 'oncall',
    });
  });

  it('refuses to plan an end that has already passed', () => {
    const add = parseTestCommand('/oncall', 'add U42 --env production --until 2026-12-01T00:00Z');
    expect(() => planChange(add as PlannableCommand, { current: null, version: 0, environments, now })).toThrow(
      /--until 2026-12-01T00:00:00.000Z is not in the future/,
    );
  });
});

describe('/change role grant --until', () => {
  it('carries an end on a grant, and refuses one on a revoke', () => {
    expect(
      parseTestCommand(
        '/change',
        'role grant U42 oncall --env production --until 2026-12-09T10:00+01:00 --reason shift',
      ),
    ).toMatchObject({ name: 'change.role.grant', role: 'oncall', until: '2026-12-09T09:00:00.000Z' });
    expect(problemOf('/change', 'role revoke U42 oncall --env production --until 2026-12-09T09:00Z --reason x')).toBe(
      'unknown option `--until`',
    );
  });
});
