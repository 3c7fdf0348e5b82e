import { z } from 'zod';
import { flagKeySchema, jsonValueSchema } from './flag.js';

export const CONFIG_TYPES = ['int', 'number', 'string', 'boolean', 'enum', 'duration', 'json'] as const;
export type ConfigType = (typeof CONFIG_TYPES)[number];

/** One scoped value. No env/tenant/user means the global value's override for every scope. */
export const configScopeValueSchema = z
  .object({
    env: z.string().optional(),
    tenant: z.string().optional(),
    user: z.string().optional(),
    value: jsonValueSchema,
  })
  .strict();
export type ConfigScopeValue = z.infer<typeof configScopeValueSchema>;

/**
 * A dynamic config entry (docs/design.md#dynamic-config): typed, with a global value and scoped values that resolve
 * user → tenant → environment → global, winner takes all. Secrets are config entries whose
 * values are envelopes (never clear text) and are only served on /v1/secrets.
 */
export const configEntrySchema = z
  .object({
    key: flagKeySchema,
    type: z.literal('config').default('config'),
    valueType: z.enum(CONFIG_TYPES),
    description: z.string().default(''),
    owner: z.string().default('unowned'),
    /** Allowed values for `enum`. */
    enumValues: z.array(z.string()).optional(),
    /** JSON Schema the value must satisfy for `json`. */
    schema: z.record(z.string(), z.unknown()).optional(),
    secret: z.boolean().default(false),
    value: jsonValueSchema.optional(),
    scopes: z.array(configScopeValueSchema).default([]),
  })
  .strict();
export type ConfigEntry = z.infer<typeof configEntrySchema>;
export type ConfigEntryInput = z.input<typeof configEntrySchema>;
