import type { ConfigEntry } from '../core/model/config-entry.js';
import type { FlagDocument } from '../core/model/flag.js';

// Pure narrowing of documents to what one environment serves (core/snapshot.ts's contract).

/** The flag with only this environment's state under `environments`. */
export function flagForEnv(flag: FlagDocument, env: string): FlagDocument {
  const state = flag.environments[env];
  return { ...flag, environments: state ? { [env]: state } : {} };
}

/** The entry with only the scopes that can apply in this environment (env-less ones or this env's). */
export function configForEnv(entry: ConfigEntry, env: string): ConfigEntry {
  return { ...entry, scopes: entry.scopes.filter((s) => s.env === undefined || s.env === env) };
}
