import type { CommandOf } from './schema.js';

export type RoleChangeCommand = CommandOf<'change.role.grant' | 'change.role.revoke'>;
/** The commands that are role changes: `/change role grant|revoke` and `/oncall add|remove`. */
export type RoleChangeCommandOf = CommandOf<
  'change.role.grant' | 'change.role.revoke' | 'oncall.add' | 'oncall.remove'
>;

const NAMES: ReadonlySet<string> = new Set(['change.role.grant', 'change.role.revoke', 'oncall.add', 'oncall.remove']);

export function isRoleChange(command: { name: string }): command is RoleChangeCommandOf {
  return NAMES.has(command.name);
}

/**
 * The role change a command is, or undefined: `/oncall add|remove` is a grant or revoke of
 * `oncall` in one environment, so the planner, RBAC and classification judge it as exactly that
 * (docs/design.md#roles) and there is one path for role changes, not two.
 */
export function roleChangeOf(command: { name: string }): RoleChangeCommand | undefined {
  if (!isRoleChange(command)) return undefined;
  const c = command;
  switch (c.name) {
    case 'change.role.grant':
    case 'change.role.revoke':
      return c;
    case 'oncall.add':
      return {
        name: 'change.role.grant',
        subject: c.subject,
        role: 'oncall',
        env: c.env,
        ...(c.until !== undefined ? { until: c.until } : {}),
        reason: c.reason,
      };
    case 'oncall.remove':
      return { name: 'change.role.revoke', subject: c.subject, role: 'oncall', env: c.env, reason: c.reason };
  }
}
