import type { FlagValue } from '../model/flag.js';
import type { ConfigResult, DecidedBy, ErrorCode, EvaluationResult, Reason } from './types.js';

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/**
 * Results are built once at compile time and shared by every evaluation that reaches them, which
 * keeps the hot path allocation-free. They are frozen (JSON values are copied first, so the
 * snapshot document itself is left alone): a caller that wants to add fields spreads a copy.
 */
export function frozenValue(value: FlagValue): FlagValue {
  return value !== null && typeof value === 'object' ? deepFreeze(structuredClone(value)) : value;
}

export function success(
  key: string,
  value: FlagValue,
  variant: string,
  reason: Reason,
  decidedBy: DecidedBy,
): EvaluationResult {
  return Object.freeze({ ok: true as const, key, value: frozenValue(value), variant, reason, decidedBy });
}

export function failure(key: string, errorCode: ErrorCode, errorDetails: string): EvaluationResult {
  return Object.freeze({ ok: false as const, key, errorCode, errorDetails });
}

export function configFailure(
  key: string,
  errorCode: 'FLAG_NOT_FOUND' | 'GENERAL',
  errorDetails: string,
): ConfigResult {
  return Object.freeze({ ok: false as const, key, errorCode, errorDetails });
}
