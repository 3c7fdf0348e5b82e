import type { ConfigEntry, ConfigScopeValue } from '../model/config-entry.js';
import { compileKeyReader } from './attribute.js';
import { configFailure, frozenValue } from './results.js';
import type { ConfigResult, EvaluationContext } from './types.js';

export type ConfigResolver = (context: EvaluationContext) => ConfigResult;

type Level = 'user' | 'tenant' | 'env' | 'global';

interface Candidate {
  /** Set on a user scope that is also pinned to one tenant: both must match. */
  tenant?: string;
  /** Env-specific scopes beat env-less ones at the same level. */
  rank: number;
  result: ConfigResult;
}

const readTenant = compileKeyReader('tenant.id');

function levelOf(scope: ConfigScopeValue): Level {
  if (scope.user !== undefined) return 'user';
  if (scope.tenant !== undefined) return 'tenant';
  if (scope.env !== undefined) return 'env';
  return 'global';
}

function pick(candidates: Candidate[] | undefined, tenant: string | undefined): ConfigResult | undefined {
  if (!candidates) return undefined;
  for (const candidate of candidates) {
    if (candidate.tenant === undefined || candidate.tenant === tenant) return candidate.result;
  }
  return undefined;
}

/**
 * Compiles a dynamic config entry for one environment (docs/design.md#config-resolution): user → tenant → environment →
 * global, winner takes all. Scopes pinned to another environment never apply. At one level an
 * env-specific scope beats an env-less one, and a scope naming more (user and tenant) beats one
 * naming less; otherwise the first declared wins. Secrets are refused: they have their own endpoint.
 */
export function compileConfig(entry: ConfigEntry, env: string): ConfigResolver {
  const key = entry.key;
  if (entry.secret) {
    const secret = configFailure(
      key,
      'FLAG_NOT_FOUND',
      `"${key}" is a secret: it is served only by /v1/secrets to keys with the secrets scope`,
    );
    return () => secret;
  }
  const result = (value: ConfigScopeValue['value'], scope: Level): ConfigResult =>
    Object.freeze({ ok: true as const, key, value: frozenValue(value), valueType: entry.valueType, scope });

  const byUser = new Map<string, Candidate[]>();
  const byTenant = new Map<string, Candidate[]>();
  const envLevel: Candidate[] = [];
  const globalLevel: Candidate[] = [];
  if (entry.value !== undefined) globalLevel.push({ rank: -1, result: result(entry.value, 'global') });

  for (const scope of entry.scopes ?? []) {
    if (scope.env !== undefined && scope.env !== env) continue;
    const level = levelOf(scope);
    const candidate: Candidate = {
      rank: (scope.env !== undefined ? 2 : 0) + (level === 'user' && scope.tenant !== undefined ? 1 : 0),
      result: result(scope.value, level),
      ...(level === 'user' && scope.tenant !== undefined ? { tenant: scope.tenant } : {}),
    };
    if (level === 'user') push(byUser, scope.user!, candidate);
    else if (level === 'tenant') push(byTenant, scope.tenant!, candidate);
    else if (level === 'env') envLevel.push(candidate);
    else globalLevel.push(candidate);
  }
  for (const list of [...byUser.values(), ...byTenant.values(), envLevel, globalLevel])
    list.sort((a, b) => b.rank - a.rank);

  const fixed = pick(envLevel, undefined) ?? pick(globalLevel, undefined);
  const missing = configFailure(
    key,
    'FLAG_NOT_FOUND',
    `config "${key}" has no value for this context in ${env} (no user, tenant, environment or global value)`,
  );
  return (context) => {
    const tenant = readTenant(context);
    if (byUser.size > 0 && typeof context.targetingKey === 'string') {
      const hit = pick(byUser.get(context.targetingKey), tenant);
      if (hit) return hit;
    }
    if (tenant !== undefined && byTenant.size > 0) {
      const hit = pick(byTenant.get(tenant), tenant);
      if (hit) return hit;
    }
    return fixed ?? missing;
  };
}

function push(map: Map<string, Candidate[]>, id: string, candidate: Candidate): void {
  const list = map.get(id);
  if (list) list.push(candidate);
  else map.set(id, [candidate]);
}
