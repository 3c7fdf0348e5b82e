import { KEY_PATTERN } from '../model/flag.js';
import { TENANT_ID_PATTERN } from '../model/tenancy.js';
import type { Args, Subcommand } from './args.js';

function cohortName(a: Args): string {
  const name = a.positional(0, '<name>');
  if (!KEY_PATTERN.test(name))
    a.fail(
      `\`<name>\` must be lowercase letters, digits, ".", "_" or "-", starting with a letter or digit (got \`${name}\`)`,
    );
  return name;
}

/** `<tenant…>`: every positional after the cohort's name, space- or comma-separated; a repeat counts once. */
function tenantList(a: Args): string[] {
  const tenants: string[] = [];
  for (let i = 1; i < a.positionalCount; i++) tenants.push(...a.positional(i, '<tenant…>').split(',').filter(Boolean));
  if (!tenants.length) a.fail('missing `<tenant…>`: name one or more tenants (see /tenant list)');
  const bad = tenants.find((t) => !TENANT_ID_PATTERN.test(t));
  if (bad)
    a.fail(`\`${bad}\` is not a tenant id: letters, digits, ".", "_", ":" or "-", starting with a letter or digit`);
  return [...new Set(tenants)];
}

function members(name: 'cohort.add' | 'cohort.remove'): Subcommand {
  return {
    path: [name.slice('cohort.'.length)],
    name,
    options: { reason: 'value' },
    build: (a) => ({ name, cohort: cohortName(a), tenants: tenantList(a), reason: a.option('reason') }),
  };
}

/** The /cohort grammar: named groups of tenants that `--cohorts` rolls out to one after another (docs/design.md#rollout). */
export const COHORT_SUBCOMMANDS: Subcommand[] = [
  {
    path: ['create'],
    name: 'cohort.create',
    options: { description: 'value', reason: 'value' },
    build: (a) => ({
      name: 'cohort.create',
      cohort: cohortName(a),
      description: a.option('description'),
      reason: a.option('reason'),
    }),
  },
  members('cohort.add'),
  members('cohort.remove'),
  { path: ['list'], name: 'cohort.list', options: {}, build: () => ({ name: 'cohort.list' }) },
];
