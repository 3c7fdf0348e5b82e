import type { Guardrails } from '../core/model/flag.js';
import type { ActivityContext } from './context.js';
import { PROMQL_TEMPLATES, promqlFor, queryPrometheus } from './guardrail-metric.js';
import { permanent } from './permanent.js';

/** What guardrail monitors and rollouts read: a flag's auto-disable rule and its metric's value now. */
export function guardrailActivities({ stores, settings, promqlTemplates }: ActivityContext) {
  return {
    loadGuardrail: permanent(
      async (input: { flagKey: string }): Promise<NonNullable<Guardrails['auto_disable']> | null> => {
        const current = await stores.entries.latest('flag', input.flagKey);
        return current?.kind === 'flag' ? (current.document.guardrails?.auto_disable ?? null) : null;
      },
    ),

    /** The metric's current value, or null when Prometheus is not configured or has no data. */
    queryGuardrailMetric: async (input: { metric: string; window: string; env?: string }): Promise<number | null> => {
      if (!settings.PROMETHEUS_URL) return null;
      const templates = { ...PROMQL_TEMPLATES, ...settings.GUARDRAIL_PROMQL, ...promqlTemplates };
      return queryPrometheus(settings.PROMETHEUS_URL, promqlFor(input.metric, input.window, templates, input.env));
    },
  };
}
