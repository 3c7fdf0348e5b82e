import { bindingUntil } from '../binding-expiry.js';
import { ValidationError } from '../errors.js';
import type { Args, Subcommand } from './args.js';
import { normalizeUser } from './option-values.js';
import { GRANTABLE_ROLES } from './schema.js';

/** `--until`, as the one ISO form bindings store; whether it is still ahead is the planner's and storage's to say (they know the time). */
export function untilOption(a: Args): string | undefined {
  const text = a.option('until');
  if (text === undefined) return undefined;
  try {
    return bindingUntil(text);
  } catch (error) {
    // Its message already names `--until` and what it got.
    if (error instanceof ValidationError) a.fail(error.message);
    throw error;
  }
}

function roleChange(name: 'change.role.grant' | 'change.role.revoke'): Subcommand {
  return {
    path: ['role', name.slice('change.role.'.length)],
    name,
    // An end belongs to a grant: a revoke ends the binding now.
    options: {
      env: 'value',
      tenant: 'value',
      reason: 'value',
      ...(name === 'change.role.grant' ? { until: 'value' } : {}),
    },
    build: (a: Args) => {
      const subject = a.read('<@user>', a.positional(0, '<@user>'), normalizeUser);
      const role = a.positional(1, '<role>');
      if (role === 'system') a.fail('`system` is reserved for Switchyard itself and cannot be granted');
      if (!(GRANTABLE_ROLES as readonly string[]).includes(role))
        a.fail(`\`<role>\` must be one of ${GRANTABLE_ROLES.join(', ')} (got \`${role}\`)`);
      return {
        name,
        subject,
        role: role as (typeof GRANTABLE_ROLES)[number],
        env: a.optionalEnv(),
        tenant: a.option('tenant'),
        ...(name === 'change.role.grant' ? { until: untilOption(a) } : {}),
        reason: a.required('reason', '"<text>"'),
      };
    },
  };
}

const withId = (name: 'change.show' | 'change.approve'): Subcommand => ({
  path: [name.slice('change.'.length)],
  name,
  options: {},
  build: (a) => ({ name, id: a.positional(0, '<id>') }),
});

const withReason = (name: 'change.reject' | 'change.revert'): Subcommand => ({
  path: [name.slice('change.'.length)],
  name,
  options: { reason: 'value' },
  build: (a) => ({ name, id: a.positional(0, '<id>'), reason: a.required('reason', '"<text>"') }),
});

/** The /change grammar (docs/design.md#commands). */
export const CHANGE_SUBCOMMANDS: Subcommand[] = [
  { path: ['list'], name: 'change.list', options: {}, build: () => ({ name: 'change.list' }) },
  withId('change.show'),
  withId('change.approve'),
  withReason('change.reject'),
  withReason('change.revert'),
  roleChange('change.role.grant'),
  roleChange('change.role.revoke'),
];
