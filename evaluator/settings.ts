import { z } from 'zod';
import { portSetting, type CoreSettings } from '../core/settings.js';
import type { StorageSettings } from '../storage/settings.js';

/** Where the evaluator listens; part of the environment validated at boot (cli/settings.ts). */
export const evaluatorSettingsSchema = z.object({
  EVALUATOR_PORT: portSetting(8080),
  EVALUATOR_HOST: z.string().default('0.0.0.0'),
  /**
   * Origins whose pages may call the OFREP routes and /v1/config from a browser, comma-separated
   * (`https://app.example.com,http://localhost:5173`), or `*` for any. Unset: no CORS headers.
   */
  EVALUATOR_CORS_ORIGINS: z
    .string()
    .default('')
    .transform((s) =>
      s
        .split(',')
        .map((origin) => origin.trim().replace(/\/+$/, ''))
        .filter(Boolean),
    )
    .refine((origins) => origins.every((origin) => origin === '*' || /^https?:\/\/[^/\s]+$/.test(origin)), {
      message: 'must be comma-separated origins like https://app.example.com (scheme and host, no path), or *',
    }),
  /**
   * HMAC secret of the event-stream tokens in bulk answers (`eventStreams`). Unset: random per
   * process, so a token from one evaluator is refused by another: several evaluators behind one
   * balancer need the same secret.
   */
  EVALUATOR_STREAM_SECRET: z
    .string()
    .optional()
    // Empty is unset: compose passes `${EVALUATOR_STREAM_SECRET:-}` through.
    .transform((s) => (s === '' ? undefined : s))
    .refine((s) => s === undefined || s.length >= 32, {
      message: 'must be at least 32 characters: generate one with openssl rand -hex 32',
    }),
});

/** Everything `switchyard evaluator` reads. */
export type EvaluatorSettings = CoreSettings & StorageSettings & z.infer<typeof evaluatorSettingsSchema>;
