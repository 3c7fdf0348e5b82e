import type { EnvSnapshot } from './snapshot.js';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks the envelope of a snapshot read from outside (file, Redis, HTTP) and says what is wrong
 * with it. The flags themselves are not re-validated: the engine compiles each flag on its own
 * and reports a broken one on every evaluation of that flag, so one bad flag cannot hide the rest.
 */
export function parseSnapshot(text: string, origin: string): EnvSnapshot {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`${origin}: the snapshot is not valid JSON (${(error as Error).message})`);
  }
  return checkSnapshot(value, origin);
}

export function checkSnapshot(value: unknown, origin: string): EnvSnapshot {
  if (!isObject(value)) throw new Error(`${origin}: a snapshot must be a JSON object with env, version and flags`);
  const { env, version, flags, configs, generatedAt, epoch } = value;
  if (typeof env !== 'string' || env === '')
    throw new Error(`${origin}: the snapshot has no "env" (expected the name of the environment it was published for)`);
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 0) {
    throw new Error(`${origin}: "version" must be a non-negative integer (got ${JSON.stringify(version)})`);
  }
  if (flags !== undefined && !isObject(flags))
    throw new Error(`${origin}: "flags" must be an object of flag key → flag document`);
  if (epoch !== undefined && (typeof epoch !== 'string' || epoch === ''))
    throw new Error(`${origin}: "epoch" must be a non-empty string when present (got ${JSON.stringify(epoch)})`);
  if (configs !== undefined && !isObject(configs))
    throw new Error(`${origin}: "configs" must be an object of config key → config entry`);
  return {
    env,
    version,
    ...(epoch === undefined ? {} : { epoch }),
    generatedAt: typeof generatedAt === 'string' ? generatedAt : new Date(0).toISOString(),
    flags: (flags ?? {}) as EnvSnapshot['flags'],
    configs: (configs ?? {}) as EnvSnapshot['configs'],
  };
}
