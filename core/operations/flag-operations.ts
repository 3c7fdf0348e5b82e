import { ValidationError } from '../errors.js';
import type { EnvironmentState, FlagDocument, Rollout, Rule, Serve } from '../model/flag.js';
import { defaultVariationId } from '../model/validate-flag.js';

/**
 * Pure edits of a flag document, one per kind of change a command can ask for. Each returns a new
 * document (the input is never mutated) that the apply function stores as the next version.
 */

function emptyState(): EnvironmentState {
  return { killed: false, killedTenants: [], userOverrides: {}, tenantOverrides: {}, rules: [] };
}

function withEnv(flag: FlagDocument, env: string, edit: (state: EnvironmentState) => EnvironmentState): FlagDocument {
  const current = flag.environments[env] ?? emptyState();
  return { ...flag, environments: { ...flag.environments, [env]: edit(structuredClone(current)) } };
}

function requireVariation(flag: FlagDocument, id: string): void {
  if (!flag.variations.some((v) => v.id === id)) {
    throw new ValidationError(
      `${flag.key} has no variation "${id}" (variations: ${flag.variations.map((v) => v.id).join(', ')})`,
    );
  }
}

/** The variation a boolean flag serves for `on` / `off`. */
export function booleanVariation(flag: FlagDocument, on: boolean): string {
  const variation = flag.variations.find((v) => v.value === on);
  if (!variation)
    throw new ValidationError(`${flag.key} is not a boolean flag: use /flag serve <key> <variation> instead of on/off`);
  return variation.id;
}

export function serveVariation(flag: FlagDocument, env: string, variation: string, tenant?: string): FlagDocument {
  requireVariation(flag, variation);
  return withEnv(flag, env, (state) => {
    if (tenant) state.tenantOverrides[tenant] = variation;
    else state.serve = { serve: variation };
    return state;
  });
}

export function setRollout(flag: FlagDocument, env: string, rollout: Rollout): FlagDocument {
  for (const id of Object.keys(rollout)) requireVariation(flag, id);
  return withEnv(flag, env, (state) => ({ ...state, serve: { rollout } }));
}

/**
 * A two-way split giving `percent` to `variation` and the rest to the flag's default (or, when the
 * variation is the default, to the other variation).
 */
export function rolloutTo(flag: FlagDocument, variation: string, percent: number): Rollout {
  requireVariation(flag, variation);
  const fallback = defaultVariationId(flag);
  const other = fallback && fallback !== variation ? fallback : flag.variations.find((v) => v.id !== variation)?.id;
  if (!other || percent >= 100) return { [variation]: 100 };
  if (percent <= 0) return { [other]: 100 };
  return { [variation]: percent, [other]: 100 - percent };
}

/** The percentage `variation` currently gets in `env` from the environment serve (0 when none). */
export function currentPercent(flag: FlagDocument, env: string, variation: string): number {
  const serve: Serve | undefined = flag.environments[env]?.serve;
  if (!serve) return 0;
  if ('serve' in serve) return serve.serve === variation ? 100 : 0;
  return serve.rollout[variation] ?? 0;
}

export function kill(flag: FlagDocument, env: string, tenant?: string): FlagDocument {
  return withEnv(flag, env, (state) => {
    if (tenant) state.killedTenants = [...new Set([...state.killedTenants, tenant])];
    else state.killed = true;
    return state;
  });
}

export function unkill(flag: FlagDocument, env: string, tenant?: string): FlagDocument {
  return withEnv(flag, env, (state) => {
    if (tenant) state.killedTenants = state.killedTenants.filter((t) => t !== tenant);
    else state.killed = false;
    return state;
  });
}

export function addRule(flag: FlagDocument, env: string, rule: Omit<Rule, 'id'> & { id?: string }): FlagDocument {
  requireVariation(flag, 'serve' in rule.action ? rule.action.serve : Object.keys(rule.action.rollout)[0]!);
  return withEnv(flag, env, (state) => {
    const taken = new Set([...flag.rules, ...state.rules].map((r) => r.id).filter(Boolean));
    let n = state.rules.length + 1;
    while (taken.has(`r${n}`)) n++;
    const id = rule.id ?? `r${n}`;
    if (taken.has(id)) throw new ValidationError(`${flag.key} already has a rule "${id}" in ${env}`);
    return { ...state, rules: [...state.rules, { ...rule, id }] };
  });
}

export function removeRule(flag: FlagDocument, env: string, ruleId: string): FlagDocument {
  const state = flag.environments[env];
  if (!state?.rules.some((r) => r.id === ruleId)) {
    const known = state?.rules.map((r) => r.id).join(', ') || 'none';
    throw new ValidationError(`${flag.key} has no rule "${ruleId}" in ${env} (rules there: ${known})`);
  }
  return withEnv(flag, env, (s) => ({ ...s, rules: s.rules.filter((r) => r.id !== ruleId) }));
}

export function overrideUser(
  flag: FlagDocument,
  env: string,
  user: string,
  variation: string,
  expiresAt?: Date,
): FlagDocument {
  requireVariation(flag, variation);
  return withEnv(flag, env, (state) => {
    state.userOverrides[user] = expiresAt ? { variation, expiresAt: expiresAt.toISOString() } : { variation };
    return state;
  });
}
