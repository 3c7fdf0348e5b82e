import { z } from 'zod';
import { portSetting, type CoreSettings } from '../core/settings.js';
import type { StorageSettings } from '../storage/settings.js';

/** Where the evaluator listens; part of the environment validated at boot (cli/settings.ts). */
export const evaluatorSettingsSchema = z.object({
  EVALUATOR_PORT: portSetting(8080),
  EVALUATOR_HOST: z.string().default('0.0.0.0'),
});

/** Everything `switchyard evaluator` reads. */
export type EvaluatorSettings = CoreSettings & StorageSettings & z.infer<typeof evaluatorSettingsSchema>;
