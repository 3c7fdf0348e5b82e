import {
  ErrorCode,
  StandardResolutionReasons,
  type FlagMetadata,
  type JsonValue,
  type ResolutionDetails,
} from '@openfeature/server-sdk';
import type { ErrorCode as EngineErrorCode, EvaluationResult } from '../core/engine/types.js';

const ERROR_CODES: Record<EngineErrorCode, ErrorCode> = {
  FLAG_NOT_FOUND: ErrorCode.FLAG_NOT_FOUND,
  TARGETING_KEY_MISSING: ErrorCode.TARGETING_KEY_MISSING,
  INVALID_CONTEXT: ErrorCode.INVALID_CONTEXT,
  PARSE_ERROR: ErrorCode.PARSE_ERROR,
  TYPE_MISMATCH: ErrorCode.TYPE_MISMATCH,
  GENERAL: ErrorCode.GENERAL,
};

export function errorDetails<T>(
  defaultValue: T,
  errorCode: ErrorCode,
  errorMessage: string,
  flagMetadata?: FlagMetadata,
): ResolutionDetails<T> {
  return {
    value: defaultValue,
    reason: StandardResolutionReasons.ERROR,
    errorCode,
    errorMessage,
    ...(flagMetadata ? { flagMetadata } : {}),
  };
}

/** An engine failure as OpenFeature resolution details: the caller's default, the mapped code, the engine's explanation. */
export function failureDetails<T>(
  defaultValue: T,
  result: Extract<EvaluationResult, { ok: false }>,
): ResolutionDetails<T> {
  return errorDetails(defaultValue, ERROR_CODES[result.errorCode] ?? ErrorCode.GENERAL, result.errorDetails);
}

export type { JsonValue };
