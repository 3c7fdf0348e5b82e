import { ValidationError } from '../../errors.js';
import type { ConfigEntry } from '../../model/config-entry.js';
import type { FlagDocument } from '../../model/flag.js';
import type { PlanContext } from './plan.js';

/** The one environment a command names, refused when missing or unknown. */
export function requireEnv(env: string | undefined, environments: string[], what: string): string {
  if (!env) throw new ValidationError(`${what} needs --env (one of ${environments.join(', ')})`);
  if (!environments.includes(env))
    throw new ValidationError(`--env must be one of ${environments.join(', ')} (got \`${env}\`)`);
  return env;
}

/** The flag a command acts on, refused when it does not exist or is a config entry. */
export function requireFlag(ctx: PlanContext, key: string): FlagDocument {
  if (!ctx.current) throw new ValidationError(`there is no flag \`${key}\` (create it with /flag create ${key} …)`);
  if (!('variations' in ctx.current))
    throw new ValidationError(`\`${key}\` is a config entry, not a flag: use /config`);
  return ctx.current;
}

/** The config entry a command acts on (null: not created yet), refused when the key is a flag. */
export function currentConfig(ctx: PlanContext, key: string, what: string): ConfigEntry | null {
  const current = ctx.current;
  if (current && !('valueType' in current && current.type === 'config'))
    throw new ValidationError(`\`${key}\` is a flag, not ${what}`);
  return current as ConfigEntry | null;
}
