import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * `switchyard dev` without SECRETS_MASTER_KEY: a local key, made once and kept beside the dev log
 * (owner-only), so a newcomer reaches secrets without configuring anything. Never used outside dev:
 * a real deployment sets SECRETS_MASTER_KEY on the bot, the worker and the evaluator.
 */
export function devMasterKey(env: NodeJS.ProcessEnv = process.env): { key: string; path: string } {
  const path = join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'switchyard', 'dev-master-key');
  if (existsSync(path)) return { key: readFileSync(path, 'utf8').trim(), path };
  mkdirSync(dirname(path), { recursive: true });
  const key = randomBytes(32).toString('base64');
  writeFileSync(path, `${key}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  return { key, path };
}
