import type { ErrorCode, EvaluationResult } from '../core/engine/types.js';
import { UNKNOWN_FLAG_LABEL, type EvaluationCount, type EvaluatorMetrics } from './metrics.js';

/** OFREP's 400 codes; anything else the engine reports (e.g. TYPE_MISMATCH) is GENERAL on the wire. */
const OFREP_ERROR_CODES = new Set<ErrorCode>(['FLAG_NOT_FOUND', 'PARSE_ERROR', 'TARGETING_KEY_MISSING', 'INVALID_CONTEXT', 'GENERAL']);

export interface ErrorItem {
  key: string;
  errorCode: ErrorCode;
  errorDetails: string;
}

/** What names the held snapshot in every item: its environment and version. */
export interface ItemSubject {
  env: string;
  version: number;
  has(key: string): boolean;
}

/** A success result's JSON up to its metadata's `env` (which changes with the snapshot version, unlike the result), and its counter. */
interface Fragment {
  head: string;
  counter: EvaluationCount | undefined;
}

export function errorItem(result: Extract<EvaluationResult, { ok: false }>): ErrorItem {
  const errorCode = OFREP_ERROR_CODES.has(result.errorCode) ? result.errorCode : 'GENERAL';
  return { key: result.key, errorCode, errorDetails: result.errorDetails };
}

/**
 * Turns results into OFREP items and counts each (every result served is one evaluation).
 * Success results are built once per compiled flag and shared by every evaluation that reaches
 * them (core/engine/results.ts), so their JSON and their metric child are worked out once per
 * result object and reused: a bulk answer of 1,000 flags is then string joins, not 1,000 objects
 * stringified and 1,000 label sets hashed. The bytes are exactly what JSON.stringify of the item gives.
 */
export function createItemWriter(metrics: EvaluatorMetrics) {
  const fragments = new WeakMap<object, Fragment>();
  // The tail of every item of one snapshot version: built once per version, not per item.
  let tailOf: { subject: ItemSubject | undefined; env: string; version: number; tail: string } = { subject: undefined, env: '', version: -1, tail: '' };

  const fragmentOf = (result: Extract<EvaluationResult, { ok: true }>, env: string): Fragment => {
    let fragment = fragments.get(result);
    if (fragment === undefined) {
      const head = `{"key":${JSON.stringify(result.key)},"value":${JSON.stringify(result.value)},"variant":${JSON.stringify(result.variant)},"reason":${JSON.stringify(result.reason)},"metadata":{"decidedBy":${JSON.stringify(result.decidedBy)},`;
      fragment = { head, counter: undefined };
      // Frozen results are the shared ones; an unfrozen one is a one-off, not worth remembering.
      if (Object.isFrozen(result)) fragments.set(result, fragment);
    }
    if (fragment.counter === undefined) fragment.counter = metrics.evaluationCounter(env, result.key, result.variant, result.reason);
    return fragment;
  };

  const tail = (subject: ItemSubject): string => {
    if (tailOf.subject !== subject || tailOf.env !== subject.env || tailOf.version !== subject.version) {
      tailOf = { subject, env: subject.env, version: subject.version, tail: `"env":${JSON.stringify(subject.env)},"snapshotVersion":${JSON.stringify(subject.version)}}}` };
    }
    return tailOf.tail;
  };

  const countError = (result: EvaluationResult, subject: ItemSubject) =>
    metrics.countEvaluation(subject.env, subject.has(result.key) ? result.key : UNKNOWN_FLAG_LABEL, '', 'ERROR');

  return {
    /** One result as the single-flag route answers it: the item's JSON for a success, the error item otherwise. Counted. */
    item(result: EvaluationResult, subject: ItemSubject): { json: string } | ErrorItem {
      if (!result.ok) {
        countError(result, subject);
        return errorItem(result);
      }
      const fragment = fragmentOf(result, subject.env);
      fragment.counter!.inc();
      return { json: fragment.head + tail(subject) };
    },

    /** The JSON array of every result's item, counted: what `flags` of a bulk answer is. */
    itemsJson(results: readonly EvaluationResult[], subject: ItemSubject): string {
      const end = tail(subject);
      const parts = new Array<string>(results.length);
      for (let i = 0; i < results.length; i++) {
        const result = results[i]!;
        if (result.ok) {
          const fragment = fragmentOf(result, subject.env);
          fragment.counter!.inc();
          parts[i] = fragment.head + end;
        } else {
          countError(result, subject);
          parts[i] = JSON.stringify(errorItem(result));
        }
      }
      return `[${parts.join(',')}]`;
    },
  };
}
