import { z } from 'zod';
import type { CoreSettings } from '../core/settings.js';

/** What the worker's activities read beyond storage and Slack; part of the environment validated at boot (cli/settings.ts). */
export const activitySettingsSchema = z.object({
  PROMETHEUS_URL: z.url().optional(),
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
      ctx.addIssue({
        code: 'custom',
        message:
          'must be a JSON object mapping metric names to PromQL templates, e.g. {"error_rate":"sum(rate(errors_total{env=\\"{env}\\"}[{window}]))"}',
      });
      return z.NEVER;
    }),
  INCIDENT_WEBHOOK_URL: z.url().optional(),
});

export type ActivitySettings = CoreSettings & z.infer<typeof activitySettingsSchema>;
