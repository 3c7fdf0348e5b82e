import { z } from 'zod';
import { masterKeysSetting } from './secrets/keyring.js';
import { policySettingsRefusal } from './policy.js';

const base64Key = z
  .string()
  .refine((s) => Buffer.from(s, 'base64').length === 32, 'must be 32 bytes, base64-encoded')
  .optional();

/**
 * The settings the domain itself reads. Each layer with I/O declares its own beside it
 * (storage/settings.ts, bot/temporal-connection.ts, bot/slack/settings.ts …); cli/settings.ts
 * joins them and validates the whole environment once at boot.
 */
export const coreSettingsSchema = z.object({
  /** Environments in risk order, lowest first. */
  ENVIRONMENTS: z
    .string()
    .default('dev,staging,production')
    .transform((s) =>
      s
        .split(',')
        .map((e) => e.trim())
        .filter(Boolean),
    ),
  /** Environments that need production rights (docs/design.md#policy); unset: the last of ENVIRONMENTS. */
  PRODUCTION_ENVIRONMENTS: z
    .string()
    .optional()
    .transform((s) =>
      s === undefined
        ? undefined
        : s
            .split(',')
            .map((e) => e.trim())
            .filter(Boolean),
    ),
  /** The master key of a ring of one (core/secrets/keyring.ts); SECRETS_MASTER_KEYS takes the current and older keys. */
  SECRETS_MASTER_KEY: base64Key,
  /** Comma-separated base64 32-byte master keys, the current (sealing) key first, older ones after it. */
  SECRETS_MASTER_KEYS: masterKeysSetting,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});
export type CoreSettings = z.infer<typeof coreSettingsSchema>;

/** Cross-variable rules of the core settings, for the joined schema's superRefine (cli/settings.ts). */
export function checkCoreSettings(
  settings: Pick<CoreSettings, 'ENVIRONMENTS' | 'PRODUCTION_ENVIRONMENTS'>,
  ctx: z.RefinementCtx,
): void {
  const refusal = policySettingsRefusal(settings);
  if (refusal) {
    const path = refusal.startsWith('ENVIRONMENTS') ? 'ENVIRONMENTS' : 'PRODUCTION_ENVIRONMENTS';
    ctx.addIssue({ code: 'custom', path: [path], message: refusal.replace(/^\S+ /, '') });
  }
}

/** A TCP port variable with its default. */
export const portSetting = (fallback: number) => z.coerce.number().int().min(0).max(65_535).default(fallback);

export type ParsedSettings<T> = { ok: true; settings: T } | { ok: false; message: string };

/** Variables holding key material: an error about one says how long it was, never what it was. */
const KEY_MATERIAL = new Set(['SECRETS_MASTER_KEY', 'SECRETS_MASTER_KEYS']);

const shown = (name: string, value: string | undefined) =>
  KEY_MATERIAL.has(name) && value !== undefined
    ? `${value.length} characters, not shown`
    : JSON.stringify(value ?? null);

/**
 * Parses the environment with `schema`; on failure the message has one line per bad variable,
 * naming it, what is wrong and what it was (a key's length only). A blank variable counts as unset.
 */
export function parseSettingsWith<S extends z.ZodType<object>>(
  schema: S,
  env: NodeJS.ProcessEnv,
): ParsedSettings<z.infer<S>> {
  const blankAsUnset = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
  const result = schema.safeParse(blankAsUnset);
  if (result.success) return { ok: true, settings: result.data };
  const lines = new Map<string, string>();
  for (const issue of result.error.issues) {
    const name = String(issue.path[0] ?? 'environment');
    if (!lines.has(name))
      lines.set(name, `configuration error: ${name} ${issue.message} (got ${shown(name, env[name])})`);
  }
  return { ok: false, message: [...lines.values()].join('\n') };
}
