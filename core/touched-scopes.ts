import { isDeepStrictEqual } from 'node:util';
import type { ChangePlan } from './change/plan/index.js';
import type { ChangeRequest, TouchedUnit } from './change-request.js';
import { configEntrySchema, type ConfigEntry, type ConfigScopeValue } from './model/config-entry.js';
import type { EnvironmentState, FlagDocument } from './model/flag.js';
import { defaultVariationId, offVariationId, validateFlag } from './model/validate-flag.js';

export type { TouchedUnit } from './change-request.js';

/**
 * What a change touches, worked out from the documents before and after it rather than from the
 * `--env` that was typed: the units RBAC and classification judge one by one, and the environments
 * and tenants the audit row names.
 */
export interface TouchedScopes {
  /**
   * One per environment whose state differs (`{ env }`), or per tenant whose override or kill
   * differs in an environment that otherwise stays the same (`{ env, tenant }`). Sorted.
   */
  units: TouchedUnit[];
  /** Every environment named by a unit. */
  environments: string[];
  /** Every tenant whose override or kill differs somewhere (also when its whole environment is touched). */
  tenants: string[];
}

type Entry = FlagDocument | ConfigEntry;

const EMPTY_STATE: EnvironmentState = {
  killed: false,
  killedTenants: [],
  userOverrides: {},
  tenantOverrides: {},
  rules: [],
};

function isFlag(entry: Entry): entry is FlagDocument {
  return 'variations' in entry;
}

/** Stored documents are validated on the way in; normalizing both sides again keeps defaults the parser fills in from looking like a change. */
function normalizedFlag(flag: FlagDocument): FlagDocument {
  try {
    return validateFlag(flag, { mode: 'import' }).flag;
  } catch {
    return flag;
  }
}

function normalizedConfig(entry: ConfigEntry): ConfigEntry {
  const parsed = configEntrySchema.safeParse(entry);
  return parsed.success ? parsed.data : entry;
}

function stateOf(flag: FlagDocument | undefined, env: string): EnvironmentState {
  return flag?.environments[env] ?? EMPTY_STATE;
}

/** The tenants whose tenant override or tenant kill differs between two states of one environment. */
function tenantsDiffering(a: EnvironmentState, b: EnvironmentState): string[] {
  const killedA = new Set(a.killedTenants);
  const killedB = new Set(b.killedTenants);
  const tenants = new Set<string>();
  for (const t of new Set([...killedA, ...killedB])) if (killedA.has(t) !== killedB.has(t)) tenants.add(t);
  for (const t of new Set([...Object.keys(a.tenantOverrides), ...Object.keys(b.tenantOverrides)])) {
    if (a.tenantOverrides[t] !== b.tenantOverrides[t]) tenants.add(t);
  }
  return [...tenants];
}

/** Whether anything but tenant overrides and tenant kills differs: what every context in the environment may see. */
function wholeEnvironmentDiffers(a: EnvironmentState, b: EnvironmentState): boolean {
  return (
    a.killed !== b.killed ||
    !isDeepStrictEqual(a.userOverrides, b.userOverrides) ||
    !isDeepStrictEqual(a.rules, b.rules) ||
    !isDeepStrictEqual(a.serve, b.serve)
  );
}

function withoutEnvironments(flag: FlagDocument): Omit<FlagDocument, 'environments'> {
  const { environments: _environments, ...global } = flag;
  return global;
}

class Collector {
  private readonly whole = new Set<string>();
  private readonly tenantUnits = new Map<string, Set<string>>();
  private readonly tenants = new Set<string>();

  env(env: string): void {
    this.whole.add(env);
  }

  tenant(env: string, tenant: string): void {
    this.tenants.add(tenant);
    const set = this.tenantUnits.get(env) ?? new Set<string>();
    set.add(tenant);
    this.tenantUnits.set(env, set);
  }

  /** A tenant named by a change that also touches its whole environment: audited, judged with the environment. */
  tenantName(tenant: string): void {
    this.tenants.add(tenant);
  }

  result(order: readonly string[]): TouchedScopes {
    const rank = (env: string) => {
      const i = order.indexOf(env);
      return i === -1 ? order.length : i;
    };
    const byEnv = (a: string, b: string) => rank(a) - rank(b) || a.localeCompare(b);
    const units: TouchedUnit[] = [];
    const environments = new Set<string>();
    for (const env of [...new Set([...this.whole, ...this.tenantUnits.keys()])].sort(byEnv)) {
      environments.add(env);
      // A whole environment covers its tenants: judging it alone is the stricter check.
      if (this.whole.has(env)) units.push({ env });
      else for (const tenant of [...this.tenantUnits.get(env)!].sort()) units.push({ env, tenant });
    }
    return { units, environments: [...environments], tenants: [...this.tenants].sort() };
  }
}

function flagTouches(
  before: FlagDocument | undefined,
  after: FlagDocument,
  environments: readonly string[],
  into: Collector,
): void {
  const next = normalizedFlag(after);
  const previous = before && normalizedFlag(before);
  // A new flag is served at once wherever nothing else decides: its default reaches every environment
  // (docs/design.md#authorize-the-diff). Only a default that is its off variation serves nothing new,
  // and is judged by the creation rule alone (developers may create flags).
  const servesNewDefault = !previous && defaultVariationId(next) !== offVariationId(next);
  // An environment state the new document already sets counts like any change of that environment.
  if (servesNewDefault || (previous && !isDeepStrictEqual(withoutEnvironments(previous), withoutEnvironments(next)))) {
    // Variations, default, off variation, global rules, guardrails, kind, salt …: every environment serves them.
    for (const env of environments) into.env(env);
  }
  const names = new Set([
    ...environments,
    ...Object.keys(previous?.environments ?? {}),
    ...Object.keys(next.environments),
  ]);
  for (const env of names) {
    const a = stateOf(previous, env);
    const b = stateOf(next, env);
    const tenants = tenantsDiffering(a, b);
    if (wholeEnvironmentDiffers(a, b)) {
      into.env(env);
      tenants.forEach((t) => into.tenantName(t));
    } else {
      tenants.forEach((t) => into.tenant(env, t));
    }
  }
}

const scopeId = (s: ConfigScopeValue) => JSON.stringify([s.env ?? null, s.tenant ?? null, s.user ?? null]);

function configTouches(
  before: ConfigEntry | undefined,
  after: ConfigEntry,
  environments: readonly string[],
  into: Collector,
): void {
  const next = normalizedConfig(after);
  const previous = before && normalizedConfig(before);
  const everywhere = () => environments.forEach((env) => into.env(env));
  const { value: _nv, scopes: _ns, ...nextMeta } = next;
  if (previous) {
    const { value: _pv, scopes: _ps, ...previousMeta } = previous;
    // Type, allowed values, schema, secrecy: how every environment's value is read.
    if (!isDeepStrictEqual(previousMeta, nextMeta)) everywhere();
  }
  // A config entry is served as soon as it has a value, so a new one is judged by where its values apply.
  if (!isDeepStrictEqual(previous?.value, next.value)) everywhere();
  const scopes = new Map<string, [ConfigScopeValue | undefined, ConfigScopeValue | undefined]>();
  for (const s of previous?.scopes ?? []) scopes.set(scopeId(s), [s, undefined]);
  for (const s of next.scopes) scopes.set(scopeId(s), [scopes.get(scopeId(s))?.[0], s]);
  for (const [a, b] of scopes.values()) {
    if (isDeepStrictEqual(a?.value, b?.value)) continue;
    const scope = (a ?? b)!;
    const envs = scope.env !== undefined ? [scope.env] : environments;
    for (const env of envs) {
      // A tenant's value (not a user's within it) is that tenant's setting; anything else reaches the whole environment.
      if (scope.tenant !== undefined && scope.user === undefined) into.tenant(env, scope.tenant);
      else {
        into.env(env);
        if (scope.tenant !== undefined) into.tenantName(scope.tenant);
      }
    }
  }
}

/**
 * The environments and tenants whose state differs between `before` (undefined: the entry is
 * created) and `after`. `environments` are the configured ones, in risk order: a global field
 * touches each of them.
 *
 * @example touchedScopes(flag, kill(flag, 'production'), ['dev', 'staging', 'production'])
 * // { units: [{ env: 'production' }], environments: ['production'], tenants: [] }
 */
export function touchedScopes(before: Entry | undefined, after: Entry, environments: readonly string[]): TouchedScopes {
  const into = new Collector();
  if (isFlag(after)) flagTouches(before && isFlag(before) ? before : undefined, after, environments, into);
  else configTouches(before && !isFlag(before) ? before : undefined, after, environments, into);
  return into.result(environments);
}

/**
 * What a planned change touches. A rollout writes its stages later, all in its one environment;
 * a role change touches no entry (undefined: it keeps its own rule, always a second person).
 */
export function touchedByPlan(
  plan: ChangePlan,
  before: Entry | null | undefined,
  environments: readonly string[],
): TouchedScopes | undefined {
  if (plan.role) return undefined;
  if (plan.rollout) return { units: [{ env: plan.rollout.env }], environments: [plan.rollout.env], tenants: [] };
  if (!plan.target) return undefined;
  return touchedScopes(before ?? undefined, plan.target.document, environments);
}

/**
 * The request RBAC and classification judge for a plan: the typed one, carrying the units the
 * plan's documents actually change (the typed `--env` only chose what to change).
 */
export function judgedOnDiff(
  plan: ChangePlan,
  request: ChangeRequest,
  before: Entry | null | undefined,
  environments: readonly string[],
): { request: ChangeRequest; touched?: TouchedScopes } {
  const touched = touchedByPlan(plan, before, environments);
  return touched ? { request: { ...request, touched: touched.units }, touched } : { request };
}
