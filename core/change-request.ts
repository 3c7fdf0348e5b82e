import type { FlagKind } from './model/flag.js';

/** One place a change reaches: an environment, or only one tenant's settings in it. */
export interface TouchedUnit {
  env: string;
  tenant?: string;
}

/**
 * What a command wants to change, independent of the transport that carried it: the input of
 * RBAC (core/rbac.ts) and classification (core/classify.ts). Built from a parsed command plus
 * what the control plane knows about the entry (its flag kind, its current rollout).
 */
export interface ChangeRequest {
  /**
   * The command or system action, e.g. `flag.on`, `flag.rollout`, `flag.kill`, `config.set`,
   * `config.secret.set`, `change.role.grant`; automated ones: `flag.rollout.stage`,
   * `flag.rollout.rollback`, `flag.auto-disable`.
   */
  action: string;
  entity: 'flag' | 'config' | 'secret' | 'role' | 'tenant' | 'cohort';
  /** The flag or config key; for role changes, the subject whose role changes. */
  key: string;
  /** Undefined means every environment (a global value, `--all`). */
  env?: string;
  tenant?: string;
  user?: string;
  /** The flag's kind when the entity is a flag that exists (or is being created). */
  flagKind?: FlagKind;
  /** A serve to every tenant of this tier (a rule, not a rollout step); for `tenant.set`, the tier it sets. */
  tier?: string;
  /** The variation a serve/rollout/on targets. */
  variation?: string;
  /** Percentages of `variation` before and after, when the change moves a rollout. */
  rollout?: { from?: number; to: number; stages?: number[]; cohorts?: string[] };
  /** The role a role change grants or revokes. */
  role?: string;
  /** Who asked; approvals compare against it (4-eyes). */
  requestedBy?: string;
  /**
   * Where the change's documents actually differ (core/touched-scopes.ts). When given and not
   * empty, RBAC and classification judge each unit as its own environment (and tenant), and `env`
   * and `tenant` above are only what was typed. Absent or empty: the request is judged as typed
   * (role changes; a flag creation, which changes no environment yet).
   */
  touched?: TouchedUnit[];
}

/**
 * A place data belongs to, as reads are judged on it (core/read-access.ts): one environment (none:
 * every environment) and in it one tenant's data (none: every tenant's, env-wide data).
 */
export interface DataScope {
  env?: string;
  tenant?: string;
}

/** The request as it reads for one unit of what it touches. */
export function unitRequests(request: ChangeRequest): ChangeRequest[] {
  if (!request.touched?.length) return [request];
  const { touched, ...rest } = request;
  return touched.map((unit) => ({ ...rest, env: unit.env, tenant: unit.tenant }));
}

/**
 * Where a change request reaches, for whoever reads it later: each unit it touches, else (a role
 * change, a creation that touches nothing yet) the environment and tenant it was judged as, no
 * environment meaning every one.
 */
export function requestReach(request: ChangeRequest): DataScope[] {
  return unitRequests(request).map(({ env, tenant }) => ({ ...(env ? { env } : {}), ...(tenant ? { tenant } : {}) }));
}

/** How a unit reads for a human: `production`, `production (tenant acme)`. */
export function unitLabel(unit: { env?: string; tenant?: string }): string {
  return `${unit.env ?? 'every environment'}${unit.tenant ? ` (tenant ${unit.tenant})` : ''}`;
}
