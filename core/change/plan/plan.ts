import type { ChangeTarget } from '../../change.js';
import type { ConfigEntry } from '../../model/config-entry.js';
import type { FlagDocument } from '../../model/flag.js';
import type { TenancyChange, TenancyView } from '../../model/tenancy.js';

/** What the control plane will write, worked out before anyone approves it. */
export interface ChangePlan {
  kind: 'flag' | 'config' | 'role' | 'tenant' | 'cohort';
  key: string;
  /** Audit action, e.g. `flag.on`, `config.set`. */
  action: string;
  /** The environments the change touches (empty: every environment, e.g. a new flag or a global config value). */
  envs: string[];
  tenant?: string;
  /** The whole next document; absent for a rollout, whose stages the rollout workflow writes. */
  target?: ChangeTarget;
  /** The version the plan was made against (0: the entry does not exist yet). */
  expectedVersion: number;
  /** Old → new, for the approval message and the audit log. */
  summary: string;
  /** Set for `flag.rollout`: what the rollout workflow should do once the request is cleared. */
  rollout?: {
    variation: string;
    env: string;
    stages?: number[];
    cohorts?: string[];
    bakeMs: number;
    fromPercent: number;
  };
  /** Set for role changes: the binding to grant or revoke (`key` is its subject), and a grant's end (ISO). */
  role?: { op: 'grant' | 'revoke'; subject: string; role: string; env?: string; tenant?: string; until?: string };
  /** Set for tenant and cohort changes: what their tables get (`key` is the tenant id or cohort name). */
  tenancy?: TenancyChange;
  /** The flag kind or config secrecy, for classification. */
  entryKind: FlagDocument['kind'] | 'config' | 'secret' | 'role' | 'tenant' | 'cohort';
}

/** What a planner is given: the entry as it is now (loaded by the caller) and the environments that exist. */
export interface PlanContext {
  current: FlagDocument | ConfigEntry | null;
  version: number;
  environments: string[];
  now: Date;
  /**
   * The guardrail metric names that have a PromQL template (built-in and GUARDRAIL_PROMQL): a
   * guardrail on any other is refused. Absent: none is known.
   */
  guardrailMetrics?: readonly string[];
  /** The tenants and cohorts a tenancy command names (and the tiers in use), loaded by the caller; for `--tier`, the tiers only. */
  tenancy?: TenancyView;
}
