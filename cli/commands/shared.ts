import { Option } from 'commander';
import { createLogger } from '../../storage/logger.js';
import { loadSettingsOrExit } from '../settings.js';
import { openStorage } from '../storage-runtime.js';

export const asOption = () =>
  new Option('--as <name>', 'operator name recorded in the audit log as cli:<name> (default $USER)');

/** Runs a one-shot command against Postgres and Redis, closing both afterwards. */
export async function withStorage<T>(work: (storage: ReturnType<typeof openStorage>) => Promise<T>): Promise<T> {
  const settings = loadSettingsOrExit();
  const storage = openStorage(settings, createLogger(process.env.LOG_LEVEL ?? 'warn', 'cli'));
  try {
    return await work(storage);
  } finally {
    await storage.close();
  }
}
