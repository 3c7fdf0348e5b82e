import { z } from 'zod';
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
  SECRETS_MASTER_KEY: base64Key,
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

/**
 * Parses the environment with `schema`; on failure the message has one line per bad variable,
 * naming it, what is wrong and what it was. A blank variable counts as unset.
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
      lines.set(name, `configuration error: ${name} ${issue.message} (got ${JSON.stringify(env[name] ?? null)})`);
  }
  return { ok: false, message: [...lines.values()].join('\n') };
}
