import type { ActivityOptions, LocalActivityOptions } from '@temporalio/workflow';
import { USER_ERROR_CODES } from '../core/errors.js';

/** Failures no retry can fix: the activity says so with these ApplicationFailure types. */
export const PERMANENT_FAILURES = [...USER_ERROR_CODES];

/** Named presets, so each call site says what kind of I/O it does rather than repeating numbers. */
export const activityPresets = {
  /** Postgres + Redis writes and reads: quick, retried with backoff while the stores recover. */
  dataPlane: {
    startToCloseTimeout: '30s',
    retry: {
      initialInterval: '1s',
      backoffCoefficient: 2,
      maximumInterval: '1m',
      nonRetryableErrorTypes: PERMANENT_FAILURES,
    },
  },
  /** A lost notification must not block a change: bounded retries, and callers treat failure as non-fatal. */
  notification: {
    startToCloseTimeout: '15s',
    retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 8 },
  },
  /** A metric read that keeps failing counts as "no data" for this check; the next check tries again. */
  metrics: {
    startToCloseTimeout: '20s',
    retry: { initialInterval: '1s', maximumInterval: '5s', maximumAttempts: 3 },
  },
  /** The incident webhook may be slow or down for a while; keep trying, the record is already in Postgres. */
  incident: {
    startToCloseTimeout: '30s',
    scheduleToCloseTimeout: '2h',
    retry: {
      initialInterval: '2s',
      backoffCoefficient: 2,
      maximumInterval: '5m',
      nonRetryableErrorTypes: PERMANENT_FAILURES,
    },
  },
} satisfies Record<string, ActivityOptions>;

/**
 * The same data-plane calls run as local activities: in the worker, recorded as a marker in the
 * next workflow task, with no activity task through the server. A thousand rollouts at once cost
 * the server's CPU, not Postgres's, and an activity task is most of a step's cost there
 * (docs/BENCHMARKS.md, section h). Only for quick, idempotent writes and reads.
 */
export const localActivityPresets = {
  dataPlane: {
    startToCloseTimeout: activityPresets.dataPlane.startToCloseTimeout,
    retry: activityPresets.dataPlane.retry,
  },
} satisfies Record<string, LocalActivityOptions>;
