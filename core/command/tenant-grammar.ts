import { TENANT_ID_PATTERN, TIER_PATTERN } from '../model/tenancy.js';
import type { Args, Subcommand } from './args.js';

/** A tenant id as typed: what apps send as `tenant.id`. */
export function tenantId(a: Args, index: number): string {
  const id = a.positional(index, '<id>');
  if (!TENANT_ID_PATTERN.test(id))
    a.fail(`\`<id>\` must be letters, digits, ".", "_", ":" or "-", starting with a letter or digit (got \`${id}\`)`);
  return id;
}

function tier(a: Args): string | undefined {
  const value = a.option('tier');
  if (value !== undefined && !TIER_PATTERN.test(value))
    a.fail(`\`--tier\` must be one lowercase word, e.g. enterprise (got \`${value}\`)`);
  return value;
}

function displayName(a: Args): string | undefined {
  const value = a.option('name');
  if (value !== undefined && !value.trim()) a.fail('`--name` must not be empty');
  return value?.trim();
}

const SETTINGS = { tier: 'value', name: 'value', reason: 'value' } as const;

/** The /tenant grammar: the tenants that `tenant.id` names, and their tiers (docs/design.md#environments-tenants-and-cohorts). */
export const TENANT_SUBCOMMANDS: Subcommand[] = [
  {
    path: ['add'],
    name: 'tenant.add',
    options: SETTINGS,
    build: (a) => ({
      name: 'tenant.add',
      id: tenantId(a, 0),
      tier: tier(a),
      displayName: displayName(a),
      reason: a.option('reason'),
    }),
  },
  {
    path: ['set'],
    name: 'tenant.set',
    options: SETTINGS,
    build: (a) => {
      const id = tenantId(a, 0);
      const settings = { tier: tier(a), displayName: displayName(a) };
      if (settings.tier === undefined && settings.displayName === undefined)
        a.fail(`say what to change: \`--tier <tier>\` or \`--name "<text>"\` (see /tenant list for ${id}'s settings)`);
      return { name: 'tenant.set', id, ...settings, reason: a.option('reason') };
    },
  },
  { path: ['list'], name: 'tenant.list', options: {}, build: () => ({ name: 'tenant.list' }) },
];

/** `/flag serve … --tier <tier>`: one tier's tenants, which a single `--tenant` cannot also narrow. */
export function servedTier(a: Args): string | undefined {
  if (a.has('tier') && a.has('tenant'))
    a.fail('give `--tenant <id>` (one tenant) or `--tier <tier>` (every tenant of that tier), not both');
  return tier(a);
}
