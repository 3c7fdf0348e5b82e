import { z } from 'zod';
import { portSetting, type CoreSettings } from '../core/settings.js';
import type { StorageSettings } from '../storage/settings.js';
import type { TemporalSettings } from '../bot/temporal-connection.js';

/** Where the HTTP API listens; part of the environment validated at boot (cli/settings.ts). */
export const webSettingsSchema = z.object({
  WEB_PORT: portSetting(8090),
  /** Unset: every interface for `switchyard web`, loopback only for `switchyard dev` (where dev sign-in is allowed). */
  WEB_HOST: z.string().optional(),
});

/** Everything `switchyard web` reads. */
export type WebSettings = CoreSettings & StorageSettings & TemporalSettings & z.infer<typeof webSettingsSchema>;
