/** Where a reply or notification should go; the transport decides how to deliver it. */
export interface ReplyTarget {
  transport: 'slack' | 'console';
  /** Slack channel or console session id. */
  channel?: string;
  /** Slack response_url for ephemeral follow-ups. */
  responseUrl?: string;
  user: string;
}

/**
 * What the control plane tells people, as structured data: a transport (Slack, console) renders
 * each kind its own way, so no wording or Block Kit lives in workflows or activities.
 * `id` is deterministic per workflow step, so a retried notify delivers once.
 */
interface EventBase {
  id: string;
  /** Where the requester asked; absent for broadcast events (e.g. the daily stale-flag list). */
  replyTo?: ReplyTarget;
  at: string;
}

interface ChangeFacts {
  requestId: string;
  requester: string;
  entryKey: string;
  action: string;
  env?: string;
  tenant?: string;
  summary: string;
  reason?: string;
}

export type NotificationEvent = EventBase &
  (
    | ({ kind: 'change_applied'; version: number; approvedBy?: string; actor: string } & ChangeFacts)
    | ({ kind: 'approval_requested'; riskReasons: string[]; expiresAt: string; workflowId: string } & ChangeFacts)
    | ({ kind: 'change_rejected'; rejectedBy: string; rejectionReason: string } & ChangeFacts)
    | ({ kind: 'change_expired'; expiredAt: string } & ChangeFacts)
    | ({ kind: 'change_conflict'; message: string } & ChangeFacts)
    /** Approved, but refused when it was to take effect: someone lost a right since (docs/design.md#re-judge-at-the-point-of-effect). */
    | ({ kind: 'change_stopped'; message: string; approvedBy?: string } & ChangeFacts)
    | { kind: 'change_refused'; requestId: string; requester: string; message: string; code: string }
    | {
        kind: 'rollout_progress';
        rolloutId: string;
        flagKey: string;
        env: string;
        variation: string;
        stage: number | string;
        stageIndex: number;
        stageCount: number;
        nextStepAt?: string;
        requester: string;
      }
    | {
        kind: 'rollout_finished';
        rolloutId: string;
        flagKey: string;
        env: string;
        variation: string;
        outcome: 'completed' | 'aborted' | 'rolled_back';
        by: string;
        message: string;
        requester: string;
      }
    | {
        kind: 'guardrail_breach';
        flagKey: string;
        env: string;
        metric: string;
        value: number;
        threshold: number;
        /** What the system did about it. */
        response: 'rolled_back' | 'killed';
        workflowId: string;
      }
    | {
        kind: 'incident_opened';
        incidentId: string;
        requestId: string;
        actor: string;
        summary: string;
        reason: string;
        reviewDueAt: string;
      }
    | {
        kind: 'review_reminder';
        incidentId: string;
        requestId: string;
        actor: string;
        summary: string;
        reviewDueAt: string;
      }
    | {
        kind: 'review_escalation';
        incidentId: string;
        requestId: string;
        actor: string;
        summary: string;
        reviewDueAt: string;
      }
    | { kind: 'review_done'; incidentId: string; requestId: string; actor: string; reviewedBy: string; notes?: string }
    | { kind: 'stale_flags'; flags: StaleFlag[] }
  );

export type NotificationKind = NotificationEvent['kind'];

export interface StaleFlag {
  key: string;
  kind: string;
  owner: string;
  expiry?: string;
  createdAt?: string;
  /** Why it is listed: past its expiry, or older than the age limit. */
  why: 'expired' | 'old';
}
