import type { Client } from '@temporalio/client';
import { guardrailReadingQuery, workflowIds, type GuardrailReading } from '../workflows/contracts.js';

export type { GuardrailReading } from '../workflows/contracts.js';

/**
 * The last check of the flag's guardrail monitor in each environment, for `/flag show`: asked of
 * the monitors themselves (a query), so nothing is stored twice. An environment without a monitor,
 * or whose monitor has not checked yet, is left out.
 */
export async function guardrailReadings(
  client: Client,
  flagKey: string,
  envs: readonly string[],
): Promise<Map<string, GuardrailReading>> {
  const readings = new Map<string, GuardrailReading>();
  await Promise.all(
    envs.map(async (env) => {
      const reading = await client.workflow
        .getHandle(workflowIds.guardrail(flagKey, env))
        .query(guardrailReadingQuery)
        .catch(() => null);
      if (reading) readings.set(env, reading);
    }),
  );
  return readings;
}
