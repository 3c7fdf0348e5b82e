import type { FlagValue } from '../model/flag.js';

/** The OpenFeature evaluation context: a targeting key plus any attributes, addressed by dotted paths. */
export interface EvaluationContext {
  targetingKey?: string;
  [attribute: string]: unknown;
}

/** OFREP / OpenFeature reasons this engine produces. */
export type Reason = 'STATIC' | 'DEFAULT' | 'TARGETING_MATCH' | 'SPLIT' | 'DISABLED' | 'ERROR';

export type ErrorCode =
  'FLAG_NOT_FOUND' | 'TARGETING_KEY_MISSING' | 'INVALID_CONTEXT' | 'PARSE_ERROR' | 'TYPE_MISMATCH' | 'GENERAL';

/**
 * Which step of the resolution order decided (docs/design.md#reasons): `kill`, `kill:tenant`, `override:user`,
 * `override:tenant`, `rule:<id or priority>`, `env:serve`, `env:rollout`, `default`.
 */
export type DecidedBy = string;

export type EvaluationResult =
  | { ok: true; key: string; value: FlagValue; variant: string; reason: Reason; decidedBy: DecidedBy }
  | { ok: false; key: string; errorCode: ErrorCode; errorDetails: string };

export type ConfigResult =
  | { ok: true; key: string; value: FlagValue; valueType: string; scope: 'user' | 'tenant' | 'env' | 'global' }
  | { ok: false; key: string; errorCode: 'FLAG_NOT_FOUND' | 'GENERAL'; errorDetails: string };

/**
 * A snapshot compiled once for the hot path: rules become closures, regexes are built,
 * nothing is parsed per call. Evaluation never throws; it returns a result value.
 */
export interface CompiledSnapshot {
  readonly env: string;
  readonly version: number;
  evaluate(key: string, context: EvaluationContext): EvaluationResult;
  evaluateAll(context: EvaluationContext): EvaluationResult[];
  resolveConfig(key: string, context: EvaluationContext): ConfigResult;
  flagKeys(): string[];
  has(key: string): boolean;
}
