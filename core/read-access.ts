import type { DataScope } from './change-request.js';
import { ForbiddenError } from './errors.js';
import type { ConfigEntry } from './model/config-entry.js';
import type { EnvironmentState, FlagDocument } from './model/flag.js';
import type { Policy } from './policy.js';
import { bindingsForActor, type RoleBinding } from './rbac.js';
import { bindingCoversEnv, describeBinding } from './role-reach.js';

export type { DataScope } from './change-request.js';

/**
 * What one principal may read (docs/design.md#roles): reading needs a binding that covers what is
 * read, like changing does, only without the role's change rights. Built from the live bindings
 * at the moment of the read; every read of the bot and the API asks it.
 */
export interface ReadScope {
  readonly actor: string;
  readonly policy: Policy;
  /** The actor's bindings that count (expired ones left out). */
  readonly bindings: readonly RoleBinding[];
}

/** How much of one environment a principal reads: all of it, or only some tenants' data in it. */
export interface EnvironmentRead {
  env: string;
  /** A binding not narrowed to a tenant covers the environment. */
  everyTenant: boolean;
  /** Tenants covered through tenant-scoped bindings (all of them when `everyTenant`). */
  tenants: string[];
}

/**
 * The read scope of `actor` from the bindings (any subject's; only the actor's count). With `now`,
 * a binding whose `until` has passed no longer counts, as for changes.
 *
 * @example readScope(policy, [{ subject: 'U1', role: 'viewer', env: 'staging' }], 'U1')
 */
export function readScope(
  policy: Policy,
  bindings: readonly RoleBinding[],
  actor: string,
  options: { now?: Date } = {},
): ReadScope {
  const live = bindingsForActor(bindings, actor).filter(
    (b) => !options.now || b.until === undefined || Date.parse(b.until) > options.now.getTime(),
  );
  return { actor, policy, bindings: live };
}

/** A binding's coverage of data of `tenant` (undefined: every tenant's, env-wide data) in `env`. */
function bindingReads(binding: RoleBinding, env: string, tenant: string | undefined, policy: Policy): boolean {
  if (binding.tenant !== undefined && binding.tenant !== tenant) return false;
  return bindingCoversEnv(binding, env, policy);
}

/** What of `env` the scope reads; undefined when nothing of it. */
export function environmentRead(scope: ReadScope, env: string): EnvironmentRead | undefined {
  const reaching = scope.bindings.filter((b) => bindingCoversEnv(b, env, scope.policy));
  if (!reaching.length) return undefined;
  const everyTenant = reaching.some((b) => b.tenant === undefined);
  return { env, everyTenant, tenants: [...new Set(reaching.flatMap((b) => (b.tenant ? [b.tenant] : [])))] };
}

/** The environments of the policy the scope reads anything of, in risk order. */
export function readableEnvironments(scope: ReadScope): string[] {
  return scope.policy.environments.filter((env) => environmentRead(scope, env) !== undefined);
}

/** Whether the scope reads anything at all: someone who reads nothing is refused every read. */
export function readsAnything(scope: ReadScope): boolean {
  return readableEnvironments(scope).length > 0;
}

/**
 * Whether the scope covers data placed at `at`. An environment's data of one tenant needs a binding
 * reaching that environment, unscoped or of that tenant; its env-wide data (no tenant) a binding
 * not narrowed to a tenant. Data of every environment (no env: a global value, a role change
 * without an environment) needs one binding that reaches every environment of the policy.
 */
export function canRead(scope: ReadScope, at: DataScope): boolean {
  const { policy } = scope;
  if (at.env !== undefined) return scope.bindings.some((b) => bindingReads(b, at.env!, at.tenant, policy));
  return scope.bindings.some((b) => policy.environments.every((env) => bindingReads(b, env, at.tenant, policy)));
}

/** Whether the scope covers every place of something that spans several (an empty list: anyone who reads anything). */
export function canReadAll(scope: ReadScope, places: readonly DataScope[]): boolean {
  return places.length ? places.every((at) => canRead(scope, at)) : readsAnything(scope);
}

/** What an operator grants so that `at` is covered, as the command's arguments. */
function viewerGrant(at: DataScope | undefined, policy: Policy): string {
  if (!at) return `viewer --env <env>\` (one of ${policy.environments.join(', ')})`;
  return `viewer${at.env ? ` --env ${at.env}` : ''}${at.tenant ? ` --tenant ${at.tenant}` : ''}\``;
}

function placeLabel(at: DataScope | undefined): string {
  if (!at) return 'any environment';
  const where = at.env ?? 'every environment';
  return at.tenant ? `tenant ${at.tenant} in ${where}` : where;
}

/**
 * Why the scope may not read `at` (undefined: anything at all), naming the missing scope, what the
 * reader holds and the grant that would cover it.
 *
 * @example readRefusal(readScope(policy, [], 'U_X'), { env: 'production' })
 * // 'U_X has no Switchyard role that covers production: ask an operator for `viewer --env production`'
 */
export function readRefusal(scope: ReadScope, at?: DataScope): string {
  const holds = scope.bindings.length
    ? ` (${scope.actor} holds ${scope.bindings.map((b) => describeBinding(b, scope.policy)).join(', ')})`
    : '';
  return `${scope.actor} has no Switchyard role that covers ${placeLabel(at)}${holds}: ask an operator for \`${viewerGrant(at, scope.policy)}`;
}

/** Throws a ForbiddenError naming the missing scope unless the scope covers `at`. */
export function assertCanRead(scope: ReadScope, at: DataScope): void {
  if (!canRead(scope, at)) throw new ForbiddenError(readRefusal(scope, at));
}

/** Throws a ForbiddenError unless the scope covers some part of every place (an empty list: reads anything). */
export function assertCanReadAll(scope: ReadScope, places: readonly DataScope[]): void {
  const missing = places.find((at) => !canRead(scope, at));
  if (missing) throw new ForbiddenError(readRefusal(scope, missing));
  assertReadsAnything(scope);
}

/** Throws a ForbiddenError unless the scope reads anything (a list the reader may see part of). */
export function assertReadsAnything(scope: ReadScope): void {
  if (!readsAnything(scope)) throw new ForbiddenError(readRefusal(scope));
}

/** Throws a ForbiddenError unless the scope reads something of `env` (a flag's state there, redacted to its tenants). */
export function assertReadsEnvironment(scope: ReadScope, env: string): void {
  if (!environmentRead(scope, env)) throw new ForbiddenError(readRefusal(scope, { env }));
}

const pickKeys = <V>(record: Record<string, V>, keep: (key: string) => boolean): Record<string, V> =>
  Object.fromEntries(Object.entries(record).filter(([key]) => keep(key)));

/** One environment's flag state as a reader of only some tenants there sees it: theirs, and no user's. */
function tenantView(state: EnvironmentState, tenants: readonly string[]): EnvironmentState {
  return {
    ...state,
    killedTenants: state.killedTenants.filter((t) => tenants.includes(t)),
    tenantOverrides: pickKeys(state.tenantOverrides, (t) => tenants.includes(t)),
    userOverrides: {},
  };
}

/**
 * A flag as the scope may see it: only the environments it reads; in one it reads only some
 * tenants of, their overrides and kills and no user overrides (a user id is no tenant's to see).
 * What every context there is served (kill, rules, serve) stays: it decides the tenant's answer too.
 */
export function redactFlag(scope: ReadScope, flag: FlagDocument): FlagDocument {
  const environments: Record<string, EnvironmentState> = {};
  for (const [env, state] of Object.entries(flag.environments)) {
    const read = environmentRead(scope, env);
    if (read) environments[env] = read.everyTenant ? state : tenantView(state, read.tenants);
  }
  return { ...flag, environments };
}

/**
 * A config entry as the scope may see it: each scoped value only where the scope covers it (a
 * user's value needs the environment's env-wide data, a value without env every environment), and
 * the global value, which every environment is served where nothing overrides it, only to a reader
 * of every environment. Its type, owner and schema stay.
 */
export function redactConfig(scope: ReadScope, entry: ConfigEntry): ConfigEntry {
  const { value, ...rest } = entry;
  const scopes = entry.scopes.filter(
    (s) => canRead(scope, { env: s.env, tenant: s.tenant }) && (s.user === undefined || canRead(scope, { env: s.env })),
  );
  return { ...rest, ...(value !== undefined && canRead(scope, {}) ? { value } : {}), scopes };
}

/** What an audit row says about where it happened; `detail.touched` names every environment when there were several. */
export interface AuditPlace {
  environment?: string;
  tenant?: string;
  detail?: Record<string, unknown>;
}

/** The places an audit row's change reached: its environment, else each it touched, else every environment. */
export function auditRowPlaces(row: AuditPlace): DataScope[] {
  const touched = (row.detail?.touched as { environments?: unknown } | undefined)?.environments;
  const envs = row.environment
    ? [row.environment]
    : Array.isArray(touched) && touched.length && touched.every((e) => typeof e === 'string')
      ? (touched as string[])
      : [undefined];
  return envs.map((env) => ({ ...(env ? { env } : {}), ...(row.tenant ? { tenant: row.tenant } : {}) }));
}

/** The audit rows the scope covers every place of; the others are left out. */
export function readableAuditRows<R extends AuditPlace>(scope: ReadScope, rows: readonly R[]): R[] {
  return rows.filter((row) => auditRowPlaces(row).every((at) => canRead(scope, at)));
}

/**
 * The places of a tenant's row (tenants are the same in every environment and decide what
 * production serves, so they are read like a tenancy change is judged: in each production
 * environment); a cohort, every tenant's data there.
 */
export function tenancyPlaces(policy: Policy, tenant?: string): DataScope[] {
  return policy.production.map((env) => ({ env, ...(tenant ? { tenant } : {}) }));
}
