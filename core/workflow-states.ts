/**
 * What the change-request and rollout workflows answer when asked for their state: the bot renders
 * it, so the shapes live below both.
 */
import type { DataScope } from './change-request.js';

export type ChangeRequestStatus =
  | 'validating'
  | 'awaiting_approval'
  | 'approved'
  | 'applying'
  | 'applied'
  | 'rejected'
  | 'expired'
  | 'conflict'
  | 'refused'
  | 'failed';

export interface ChangeRequestState {
  requestId: string;
  status: ChangeRequestStatus;
  classification?: 'standard' | 'risky' | 'emergency';
  riskReasons: string[];
  requester: string;
  /** Why the requester asked for it (`--reason`), shown to whoever decides. */
  justification?: string;
  decidedBy?: string;
  decidedAt?: string;
  rejectionReason?: string;
  /** Human summary of the change (old → new). */
  summary?: string;
  message?: string;
  appliedVersion?: number;
  expiresAt?: string;
  /**
   * Where the change reaches (each environment and tenant it touches), set once it is planned: who
   * may read the request is judged on it (core/read-access.ts). Absent (not planned, or a request
   * from before it was recorded): read as every environment.
   */
  reach?: DataScope[];
}

export type RolloutStatus = 'running' | 'baking' | 'paused' | 'completed' | 'aborted' | 'rolled_back';

export interface RolloutState {
  rolloutId: string;
  flagKey: string;
  env: string;
  variation: string;
  stages: Array<number | string>;
  /** Index of the last applied stage; -1 before the first. */
  stageIndex: number;
  status: RolloutStatus;
  nextStepAt?: string;
  guardrail: 'ok' | 'breached' | 'unchecked';
  message?: string;
}
