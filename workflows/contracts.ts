/**
 * What workflows accept, answer and can be told: declared once and imported by the worker,
 * the command layer (console, Slack) and the tests. No I/O here: this file is bundled into
 * the workflow sandbox.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ReplyTarget } from '../core/notifications.js';
import type { ChangeRequestState, RolloutState } from '../core/workflow-states.js';

export const TASK_QUEUE_DEFAULT = 'switchyard';

// Facts the renderers and activities share live in core; workflows and their callers keep importing them from here.
export type { ReplyTarget } from '../core/notifications.js';
export type { ChangeRequestState, ChangeRequestStatus, RolloutState, RolloutStatus } from '../core/workflow-states.js';
export { SELF_APPROVAL_MESSAGE, SELF_REVIEW_MESSAGE } from '../core/messages.js';
export { workflowIds } from '../core/workflow-ids.js';

/** A change someone asked for, as the command layer hands it to the change-request workflow. */
export interface ChangeRequestInput {
  /** Idempotency: the same Slack request / console line → the same id → one workflow. */
  requestId: string;
  requester: string;
  /** The parsed command (core/command), serialisable. */
  command: Record<string, unknown> & { name: string };
  reason?: string;
  replyTo: ReplyTarget;
  /** How long a risky change waits for a decision; default 24 h. */
  approvalTimeoutMs?: number;
  /** For break-glass commands: the review deadline and reminder offsets (BreakGlassInput's defaults otherwise). */
  breakGlass?: Pick<BreakGlassInput, 'reviewDueMs' | 'remindBeforeMs'>;
}

export interface DecisionInput {
  user: string;
  reason?: string;
}

/** Updates, so the clicker hears at once when a self-approval or an ineligible approver is refused. */
export const approveUpdate = defineUpdate<ChangeRequestState, [DecisionInput]>('approve');
export const rejectUpdate = defineUpdate<ChangeRequestState, [DecisionInput]>('reject');
export const changeRequestStateQuery = defineQuery<ChangeRequestState>('changeRequestState');

export interface RolloutInput {
  rolloutId: string;
  flagKey: string;
  env: string;
  variation: string;
  /** Percent stages, e.g. [1, 5, 25, 50, 100]; or cohorts of tenants. */
  stages?: number[];
  cohorts?: string[];
  bakeMs: number;
  requester: string;
  reason?: string;
  replyTo: ReplyTarget;
  /** The variation's share when the rollout was requested: stages at or below it are skipped, never lowered to. */
  fromPercent?: number;
  /** Who approved the rollout (4-eyes), carried into each stage's audit row. */
  approvedBy?: string;
}

/** What a person may do to a running rollout. */
export type RolloutControl = 'pause' | 'resume' | 'abort' | 'promote';

export interface RolloutControlInput {
  action: RolloutControl;
  user: string;
}

/**
 * Pause, resume, abort and promote are one update: its validator refuses what the rollout's state
 * forbids (a finished rollout, a promote while paused …) before anything is written to history,
 * its handler checks the user's role and answers with the state the control left behind.
 */
export const rolloutControlUpdate = defineUpdate<RolloutState, [RolloutControlInput]>('control');

/** What a guardrail monitor saw when it killed the flag; the flag's rollout in that environment rolls back at once. */
export interface GuardrailBreach {
  metric: string;
  value: number;
  threshold: number;
}

/** From the guardrail monitor, the system, to the rollout: nobody waits for an answer, so a signal. */
export const guardrailBreachSignal = defineSignal<[GuardrailBreach]>('guardrailBreach');

/** A guardrail monitor's last check: what `/flag show` reports as the guardrail's last reading. */
export interface GuardrailReading {
  metric: string;
  threshold: number;
  window: string;
  /** Null: Prometheus had no data (or is not configured). */
  value: number | null;
  at: string;
}
/** Answered by a running monitor; null before its first check. */
export const guardrailReadingQuery = defineQuery<GuardrailReading | null>('guardrailReading');
export const rolloutStateQuery = defineQuery<RolloutState>('rolloutState');

export interface BreakGlassInput {
  requestId: string;
  actor: string;
  command: Record<string, unknown> & { name: string };
  reason: string;
  replyTo: ReplyTarget;
  /** Default 24 h. */
  reviewDueMs?: number;
  /** Offsets before the deadline at which reminders go out; default 4 h and 1 h. */
  remindBeforeMs?: number[];
}

export interface BreakGlassState {
  requestId: string;
  incidentId?: string;
  status: 'applying' | 'awaiting_review' | 'escalated' | 'reviewed' | 'failed';
  actor: string;
  reviewDueAt?: string;
  reviewedBy?: string;
  remindersSent: number;
  message?: string;
}

export const reviewUpdate = defineUpdate<BreakGlassState, [DecisionInput]>('review');
export const breakGlassStateQuery = defineQuery<BreakGlassState>('breakGlassState');
