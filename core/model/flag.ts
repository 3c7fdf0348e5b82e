import { z } from 'zod';
import { conditionSchema } from './condition.js';

export const FLAG_KINDS = ['release', 'ops', 'permission', 'experiment'] as const;
export type FlagKind = (typeof FLAG_KINDS)[number];

export const VALUE_TYPES = ['boolean', 'string', 'number', 'json'] as const;
export type FlagValueType = (typeof VALUE_TYPES)[number];

export type JsonValue = string | number | boolean | null | JsonValue[] | { [k: string]: JsonValue };
export const jsonValueSchema: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([
    z.string(),
    z.number(),
    z.boolean(),
    z.null(),
    z.array(jsonValueSchema),
    z.record(z.string(), jsonValueSchema),
  ]),
);
export type FlagValue = JsonValue;

export const KEY_PATTERN = /^[a-z0-9][a-z0-9_.-]{0,127}$/;
export const flagKeySchema = z
  .string()
  .regex(
    KEY_PATTERN,
    'must be lowercase letters, digits, ".", "_" or "-" (at most 128), starting with a letter or digit',
  );

const variationIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'variation ids are letters, digits, ".", "_" or "-"');

export const variationSchema = z.object({
  id: variationIdSchema,
  value: jsonValueSchema,
  description: z.string().optional(),
});
export type Variation = z.infer<typeof variationSchema>;

/** Percentages per variation id; they must add up to 100 (fractions allowed, resolved to 0.01 %). */
export const rolloutSchema = z
  .record(variationIdSchema, z.number().min(0).max(100))
  .refine((weights) => Object.keys(weights).length > 0, 'a rollout needs at least one variation')
  .refine(
    (weights) => Math.abs(Object.values(weights).reduce((a, b) => a + b, 0) - 100) < 1e-9,
    'rollout percentages must add up to 100',
  );
export type Rollout = z.infer<typeof rolloutSchema>;

export const serveSchema = z.union([
  z.object({ serve: variationIdSchema }).strict(),
  z.object({ rollout: rolloutSchema }).strict(),
]);
export type Serve = z.infer<typeof serveSchema>;

export const ruleSchema = z
  .object({
    id: z.string().min(1).max(64).optional(),
    priority: z.number().int(),
    condition: conditionSchema,
    action: serveSchema,
    comment: z.string().optional(),
  })
  .strict();
export type Rule = z.infer<typeof ruleSchema>;

export const guardrailsSchema = z
  .object({
    auto_disable: z
      .object({
        metric: z.string().min(1),
        threshold: z.number(),
        window: z.string().regex(/^\d+[smhd]$/, 'window is a duration like 30s, 5m, 1h'),
      })
      .strict()
      .optional(),
  })
  .strict();
export type Guardrails = z.infer<typeof guardrailsSchema>;

/** A user override is a debug / dark-launch pin for one targeting key; it expires. */
export const userOverrideSchema = z.object({
  variation: variationIdSchema,
  expiresAt: z.iso.datetime({ offset: true }).optional(),
});

/** What a flag does in one environment (docs/design.md#resolution-order, steps 1 to 5). */
export const environmentStateSchema = z
  .object({
    killed: z.boolean().default(false),
    killedTenants: z.array(z.string()).default([]),
    userOverrides: z.record(z.string(), userOverrideSchema).default({}),
    tenantOverrides: z.record(z.string(), variationIdSchema).default({}),
    rules: z.array(ruleSchema).default([]),
    serve: serveSchema.optional(),
  })
  .strict();
export type EnvironmentState = z.infer<typeof environmentStateSchema>;

/**
 * The flag document. The seed example of the design validates unchanged: `kind` defaults to
 * `release`, `default` may be a variation id or a variation's value, `type` is `feature_flag`.
 */
export const flagDocumentSchema = z
  .object({
    key: flagKeySchema,
    type: z.literal('feature_flag').default('feature_flag'),
    kind: z.enum(FLAG_KINDS).default('release'),
    valueType: z.enum(VALUE_TYPES).optional(),
    description: z.string().min(1, 'description is required'),
    owner: z.string().min(1, 'owner is required'),
    expiry: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
    ticket: z.string().optional(),
    /** Salt for bucketing; defaults to the key. Changing it reshuffles every split. */
    salt: z.string().optional(),
    /** Context attribute used for bucketing; `targetingKey` unless e.g. `tenant.id`. */
    stickiness: z.string().default('targetingKey'),
    default: jsonValueSchema,
    /**
     * The variation a kill serves. Required for a non-boolean flag; a boolean flag always serves its
     * `false` variation when killed, so it may name only that one.
     */
    offVariation: variationIdSchema.optional(),
    variations: z.array(variationSchema).min(1),
    rules: z.array(ruleSchema).default([]),
    guardrails: guardrailsSchema.optional(),
    environments: z.record(z.string(), environmentStateSchema).default({}),
    createdAt: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();
export type FlagDocumentInput = z.input<typeof flagDocumentSchema>;
export type FlagDocument = z.infer<typeof flagDocumentSchema>;
