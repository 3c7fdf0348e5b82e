import type { ConfigEntry } from './model/config-entry.js';
import type { FlagDocument } from './model/flag.js';

/** What a change writes: the whole next version of one entry. */
export type ChangeTarget =
  { kind: 'flag'; key: string; document: FlagDocument } | { kind: 'config'; key: string; document: ConfigEntry };

/**
 * A change as the control plane hands it to the data plane's apply function. The change id is
 * the idempotency key: applying the same id twice applies it once.
 */
export interface Change {
  changeId: string;
  /** Slack user id, `cli:<name>`, or `system`. */
  actor: string;
  /** For `system` changes (stage advances, rollbacks): the human the system acts for. */
  onBehalfOf?: string;
  /** e.g. `flag.create`, `flag.kill`, `flag.rollout.stage`, `config.set`. */
  action: string;
  target: ChangeTarget;
  /** The version the requester saw; 0 means the entry must not exist yet. A mismatch is a conflict. */
  expectedVersion: number;
  /** Where: the environment and tenant the change touches, for the audit row's columns (when there is one of each). */
  environment?: string;
  tenant?: string;
  /** Every environment and tenant the change's documents differ in, for the audit row's detail. */
  touched?: { environments: string[]; tenants: string[] };
  /** Why: a ticket or a justification. */
  reason?: string;
  ticket?: string;
  /** Who approved it, for 4-eyes changes. */
  approvedBy?: string;
  /** The workflow or request that carried it. */
  requestId?: string;
}

export interface AppliedChange {
  changeId: string;
  key: string;
  kind: ChangeTarget['kind'];
  version: number;
  /** False when this change id had already been applied (an idempotent retry). */
  applied: boolean;
  auditId: number;
  /** Snapshot versions written per environment. */
  snapshots: Record<string, number>;
}
