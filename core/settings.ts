import { z } from 'zod';

const port = (fallback: number) => z.coerce.number().int().min(0).max(65_535).default(fallback);
const optionalUrl = z.url().optional();
const base64Key = z
  .string()
  .refine((s) => Buffer.from(s, 'base64').length === 32, 'must be 32 bytes, base64-encoded')
  .optional();

/** Static configuration, read once at boot: a missing or malformed variable stops the process with one line naming it. */
export const settingsSchema = z.object({
  DATABASE_URL: z.url().default('postgres://localhost:5432/switchyard'),
  REDIS_URL: z.url().default('redis://127.0.0.1:6379'),
  /** Prefix of every Redis key and channel, so several installations can share one Redis. */
  REDIS_PREFIX: z.string().regex(/^[\w:.-]+$/).default('switchyard'),
  TEMPORAL_ADDRESS: z.string().optional(),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_TASK_QUEUE: z.string().default('switchyard'),
  ENVIRONMENTS: z
    .string()
    .default('dev,staging,production')
    .transform((s) => s.split(',').map((e) => e.trim()).filter(Boolean)),
  SLACK_SIGNING_SECRET: z.string().optional(),
  SLACK_BOT_TOKEN: z.string().optional(),
  SLACK_APP_TOKEN: z.string().optional(),
  SLACK_API_URL: optionalUrl,
  SLACK_APPROVALS_CHANNEL: z.string().optional(),
  SLACK_INCIDENTS_CHANNEL: z.string().optional(),
  BOT_PORT: port(3000),
  EVALUATOR_PORT: port(8080),
  EVALUATOR_HOST: z.string().default('0.0.0.0'),
  SECRETS_MASTER_KEY: base64Key,
  PROMETHEUS_URL: optionalUrl,
  /** Extra or replacing PromQL templates per guardrail metric name, as a JSON object (see activities/guardrail-metric.ts). */
  GUARDRAIL_PROMQL: z
    .string()
    .optional()
    .transform((text, ctx) => {
      if (text === undefined) return {};
      try {
        const parsed: unknown = JSON.parse(text);
        const templates = z.record(z.string(), z.string().min(1)).safeParse(parsed);
        if (templates.success) return templates.data;
      } catch {
        // Reported below with the same message as a wrong shape.
      }
      ctx.addIssue({ code: 'custom', message: 'must be a JSON object mapping metric names to PromQL templates, e.g. {"error_rate":"sum(rate(errors_total{env=\\"{env}\\"}[{window}]))"}' });
      return z.NEVER;
    }),
  INCIDENT_WEBHOOK_URL: optionalUrl,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});
export type Settings = z.infer<typeof settingsSchema>;

/** Parses the environment; on failure the message is one line naming the variable and what is wrong. */
export function parseSettings(env: NodeJS.ProcessEnv): { ok: true; settings: Settings } | { ok: false; message: string } {
  const blankAsUnset = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
  const result = settingsSchema.safeParse(blankAsUnset);
  if (result.success) return { ok: true, settings: result.data };
  const issue = result.error.issues[0]!;
  const name = String(issue.path[0] ?? 'environment');
  return { ok: false, message: `configuration error: ${name} ${issue.message} (got ${JSON.stringify(env[name] ?? null)})` };
}
