/**
 * The one way every process reaches Temporal: the bot, the console, the worker and one-shot CLI
 * commands connect here with the settings, and an unreachable server is one line naming
 * TEMPORAL_ADDRESS, never a stack trace.
 */
import { Client, Connection } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import { z } from 'zod';
import { SwitchyardError } from '../core/errors.js';
import { TASK_QUEUE_DEFAULT } from '../workflows/contracts.js';

/** Where Temporal is; part of the environment validated at boot (cli/settings.ts). */
export const temporalSettingsSchema = z.object({
  TEMPORAL_ADDRESS: z.string().optional(),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_TASK_QUEUE: z.string().default(TASK_QUEUE_DEFAULT),
});
export type TemporalSettings = z.infer<typeof temporalSettingsSchema>;

/** Where a command without TEMPORAL_ADDRESS looks: a Temporal on this machine. */
export const LOCAL_TEMPORAL = 'localhost:7233';

export interface TemporalClient {
  client: Client;
  connection: Connection;
  taskQueue: string;
}

/**
 * TEMPORAL_ADDRESS, or the local default; with `requiredBy`, a missing address stops the command
 * with one line saying what needs it (long-running processes must not guess a server).
 */
export function temporalAddress(settings: Pick<TemporalSettings, 'TEMPORAL_ADDRESS'>, requiredBy?: string): string {
  if (settings.TEMPORAL_ADDRESS) return settings.TEMPORAL_ADDRESS;
  if (requiredBy)
    throw new SwitchyardError(
      `configuration error: TEMPORAL_ADDRESS is required for ${requiredBy} (use \`switchyard dev\` for a local Temporal)`,
      'CONFIG',
      500,
    );
  return LOCAL_TEMPORAL;
}

const unreachable = (address: string, err: unknown) =>
  new SwitchyardError(
    `cannot reach Temporal at TEMPORAL_ADDRESS=${address}: ${err instanceof Error ? err.message : String(err)}`,
    'UNAVAILABLE',
    503,
  );

/** A client for the settings' Temporal (see temporalAddress for `requiredBy`). */
export async function connectTemporal(
  settings: TemporalSettings,
  options: { requiredBy?: string } = {},
): Promise<TemporalClient> {
  const address = temporalAddress(settings, options.requiredBy);
  try {
    const connection = await Connection.connect({ address, connectTimeout: '10s' });
    return {
      client: new Client({ connection, namespace: settings.TEMPORAL_NAMESPACE }),
      connection,
      taskQueue: settings.TEMPORAL_TASK_QUEUE,
    };
  } catch (err) {
    throw unreachable(address, err);
  }
}

/** The worker's native connection to the settings' Temporal. Loaded lazily: only the worker needs the native bridge. */
export async function connectTemporalWorker(
  settings: TemporalSettings,
  options: { requiredBy?: string } = {},
): Promise<NativeConnection> {
  const address = temporalAddress(settings, options.requiredBy);
  const { NativeConnection } = await import('@temporalio/worker');
  try {
    return await NativeConnection.connect({ address });
  } catch (err) {
    throw unreachable(address, err);
  }
}
