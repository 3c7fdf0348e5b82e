import { z } from 'zod';
import { conditionSchema } from '../model/condition.js';
import { CONFIG_TYPES } from '../model/config-entry.js';
import { FLAG_KINDS, VALUE_TYPES, flagKeySchema, jsonValueSchema, variationSchema } from '../model/flag.js';
import { secretEnvelopeSchema } from '../secrets/envelope.js';
import { TENANCY_COMMAND_SCHEMAS } from './tenancy-schema.js';
import { tierSchema } from '../model/tenancy.js';

/**
 * Parsed slash commands (docs/design.md#commands), one variant per subcommand, discriminated on `name`. Every
 * transport (Slack, console, CLI) produces these; nothing downstream sees command text.
 */

export const GRANTABLE_ROLES = ['developer', 'product_manager', 'operator', 'admin', 'viewer', 'oncall'] as const;

const key = flagKeySchema;
const env = z.string().min(1);
const reason = z.string().min(1);
const id = z.string().min(1);
const where = { env, tenant: id.optional(), reason: reason.optional() };
/** When a role binding stops counting, in the one form the grammar writes it (core/binding-expiry.ts). */
const until = z.iso.datetime();

const onOff = (name: 'flag.on' | 'flag.off') => z.object({ name: z.literal(name), key, ...where });
const rolloutControl = <N extends string>(name: N) => z.object({ name: z.literal(name), key, env });
const roleChange = <N extends string>(name: N) =>
  z.object({
    name: z.literal(name),
    subject: id,
    role: z.enum(GRANTABLE_ROLES),
    env: env.optional(),
    tenant: id.optional(),
    reason,
  });
const help = <N extends string>(name: N) =>
  z.object({ name: z.literal(name), topic: z.string().optional(), text: z.string() });

export const commandSchema = z.discriminatedUnion('name', [
  help('flag.help'),
  z.object({
    name: z.literal('flag.create'),
    key,
    kind: z.enum(FLAG_KINDS),
    owner: id,
    description: z.string().min(1),
    type: z.enum(VALUE_TYPES),
    variations: z.array(variationSchema).optional(),
    default: z.string().optional(),
    /** The variation a kill serves; required for a non-boolean flag (a boolean one serves `false`). */
    off: z.string().optional(),
    expiry: z.iso.date().optional(),
    ticket: z.string().optional(),
    /** Why: a creation whose default is served at once may need a second person (docs/design.md#authorize-the-diff). */
    reason: reason.optional(),
  }),
  z.object({ name: z.literal('flag.show'), key, env: env.optional() }),
  z.object({ name: z.literal('flag.list'), owner: id.optional(), stale: z.boolean() }),
  onOff('flag.on'),
  onOff('flag.off'),
  /** With `tier`: a rule `tenant.tier eq <tier>` (id `tier:<tier>`) in that environment, for permission flags by tenant tier. */
  z.object({ name: z.literal('flag.serve'), key, variation: id, ...where, tier: tierSchema.optional() }),
  z.object({
    name: z.literal('flag.rollout'),
    key,
    variation: id,
    env,
    /** Percent stages, ascending, ending at 100. Absent with cohorts; absent for "use the default plan". */
    stages: z.array(z.number().gt(0).max(100)).optional(),
    cohorts: z.array(id).optional(),
    bakeMs: z.number().int().positive().optional(),
    reason: reason.optional(),
  }),
  rolloutControl('flag.rollout.pause'),
  rolloutControl('flag.rollout.resume'),
  rolloutControl('flag.rollout.abort'),
  rolloutControl('flag.rollout.promote'),
  z.object({
    name: z.literal('flag.rule.add'),
    key,
    env,
    condition: conditionSchema,
    serve: id,
    priority: z.number().int().optional(),
  }),
  z.object({ name: z.literal('flag.rule.remove'), key, env, ruleId: id }),
  z.object({
    name: z.literal('flag.override'),
    key,
    variation: id,
    user: id,
    /** One environment, or `all` for every one; a plan with neither is refused. */
    env: env.optional(),
    all: z.boolean().optional(),
    ttlMs: z.number().int().positive().optional(),
    reason: reason.optional(),
  }),
  z.object({ name: z.literal('flag.kill'), key, env: env.optional(), all: z.boolean(), tenant: id.optional(), reason }),
  z.object({
    name: z.literal('flag.break-glass'),
    key,
    /** `on`, `off`, or a variation id. */
    serve: id,
    env,
    reason,
  }),
  z.object({ name: z.literal('flag.history'), key, limit: z.number().int().positive().optional() }),
  /** The flag's `guardrails.auto_disable`: one rule for the flag, watched by a monitor in every environment. */
  z.object({
    name: z.literal('flag.guardrail.set'),
    key,
    metric: z.string().min(1),
    threshold: z.number(),
    window: z.string().regex(/^\d+[smhd]$/),
    reason: reason.optional(),
  }),
  z.object({ name: z.literal('flag.guardrail.remove'), key, reason: reason.optional() }),
  help('config.help'),
  z.object({
    name: z.literal('config.set'),
    key,
    /** The value as typed; `value` is it converted by `--type` (or left a string when no type was given). */
    rawValue: z.string(),
    /** The value with the quotes it was typed in, when they were not part of rawValue: a JSON entry reads `"hi"` as a JSON string. */
    asTyped: z.string().optional(),
    value: jsonValueSchema,
    type: z.enum(CONFIG_TYPES).optional(),
    /** `--values`: the allowed values of an enum entry, set when it is created or replaced. */
    enumValues: z.array(id).min(1).optional(),
    env: env.optional(),
    tenant: id.optional(),
    user: id.optional(),
    reason,
  }),
  z.object({ name: z.literal('config.get'), key, env: env.optional(), tenant: id.optional(), user: id.optional() }),
  z.object({
    name: z.literal('config.secret.set'),
    key,
    env,
    /** Sealed by the transport (the Slack dialog) before the command enters Temporal; the typed grammar never carries it. */
    envelope: secretEnvelopeSchema.optional(),
  }),
  help('change.help'),
  z.object({ name: z.literal('change.list') }),
  z.object({ name: z.literal('change.show'), id }),
  z.object({ name: z.literal('change.approve'), id }),
  z.object({ name: z.literal('change.reject'), id, reason }),
  z.object({ name: z.literal('change.revert'), id, reason }),
  /** `until`: an end (an on-call shift); a revoke ends the binding now. */
  roleChange('change.role.grant').extend({ until: until.optional() }),
  roleChange('change.role.revoke'),
  help('oncall.help'),
  z.object({ name: z.literal('oncall.list') }),
  /** A grant (remove: revoke) of `oncall` in one environment, planned and approved as `/change role grant` is. */
  z.object({ name: z.literal('oncall.add'), subject: id, env, until: until.optional(), reason }),
  z.object({ name: z.literal('oncall.remove'), subject: id, env, reason }),
  ...TENANCY_COMMAND_SCHEMAS,
  help('incident.help'),
  z.object({ name: z.literal('incident.list'), open: z.boolean() }),
  z.object({ name: z.literal('incident.show'), id }),
  z.object({ name: z.literal('incident.review'), id, notes: z.string().min(1) }),
]);

export type Command = z.infer<typeof commandSchema>;
export type CommandOf<N extends Command['name']> = Extract<Command, { name: N }>;
