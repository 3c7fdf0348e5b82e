import { z } from 'zod';
import { cohortNameSchema, tenantIdSchema, tierSchema } from '../model/tenancy.js';

/**
 * The parsed `/tenant` and `/cohort` commands, spread into the command schema (./schema.ts).
 * `name` is the discriminator of every command, so a tenant's display name is `displayName` and a
 * cohort's name is `cohort`.
 */
const reason = z.string().min(1).optional();
const help = <N extends string>(name: N) =>
  z.object({ name: z.literal(name), topic: z.string().optional(), text: z.string() });
const tenantSettings = {
  id: tenantIdSchema,
  tier: tierSchema.optional(),
  displayName: z.string().min(1).optional(),
  reason,
};
const members = <N extends string>(name: N) =>
  z.object({ name: z.literal(name), cohort: cohortNameSchema, tenants: z.array(tenantIdSchema).min(1), reason });

export const TENANCY_COMMAND_SCHEMAS = [
  help('tenant.help'),
  z.object({ name: z.literal('tenant.add'), ...tenantSettings }),
  /** At least one of tier and displayName (the grammar says so). */
  z.object({ name: z.literal('tenant.set'), ...tenantSettings }),
  z.object({ name: z.literal('tenant.list') }),
  help('cohort.help'),
  z.object({ name: z.literal('cohort.create'), cohort: cohortNameSchema, description: z.string().optional(), reason }),
  members('cohort.add'),
  members('cohort.remove'),
  z.object({ name: z.literal('cohort.list') }),
] as const;
