import { z } from 'zod';

/** Where Postgres and Redis are; part of the environment validated at boot (cli/settings.ts). */
export const storageSettingsSchema = z.object({
  DATABASE_URL: z.url().default('postgres://localhost:5432/switchyard'),
  REDIS_URL: z.url().default('redis://127.0.0.1:6379'),
  /** Prefix of every Redis key and channel, so several installations can share one Redis. */
  REDIS_PREFIX: z
    .string()
    .regex(/^[\w:.-]+$/)
    .default('switchyard'),
});
export type StorageSettings = z.infer<typeof storageSettingsSchema>;
