import type { ErrorCode, EvaluationResult } from '../core/engine/types.js';
import { UNKNOWN_FLAG_LABEL, type EvaluationCount, type EvaluatorMetrics } from './metrics.js';

/** OFREP's 400 codes; anything else the engine reports (e.g. TYPE_MISMATCH) is GENERAL on the wire. */
const OFREP_ERROR_CODES = new Set<ErrorCode>([
  'FLAG_NOT_FOUND',
  'PARSE_ERROR',
  'TARGETING_KEY_MISSING',
  'INVALID_CONTEXT',
  'GENERAL',
]);

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

/**
 * A success result's item as bytes, for the snapshot version it was last written for (`tail`:
 * its metadata's `env` and version change with the version, the result may not), and its counter.
 */
interface Fragment {
  tail: string;
  bytes: Buffer;
  counter: EvaluationCount | undefined;
}

const COMMA = 0x2c;
const OPEN = 0x5b;
const CLOSE = 0x5d;
const EMPTY = Buffer.alloc(0);

export function errorItem(result: Extract<EvaluationResult, { ok: false }>): ErrorItem {
  const errorCode = OFREP_ERROR_CODES.has(result.errorCode) ? result.errorCode : 'GENERAL';
  return { key: result.key, errorCode, errorDetails: result.errorDetails };
}

/**
 * Turns results into OFREP items and counts each (every result served is one evaluation).
 * Success results are built once per compiled flag and shared by every evaluation that reaches
 * them (core/engine/results.ts), so their JSON, already encoded as UTF-8, and their metric child
 * are worked out once per result object and reused: a bulk answer of 1,000 flags is then one
 * buffer filled by copies, not 1,000 objects stringified, joined and encoded again by the socket
 * write. The bytes are exactly what JSON.stringify of the item gives.
 */
export function createItemWriter(metrics: EvaluatorMetrics) {
  const fragments = new WeakMap<object, Fragment>();
  const parts: Buffer[] = [];
  // The tail of every item of one snapshot version: built once per version, not per item.
  let tailOf: { subject: ItemSubject | undefined; env: string; version: number; tail: string } = {
    subject: undefined,
    env: '',
    version: -1,
    tail: '',
  };

  const bytesOf = (result: Extract<EvaluationResult, { ok: true }>, tail: string): Buffer =>
    Buffer.from(
      `{"key":${JSON.stringify(result.key)},"value":${JSON.stringify(result.value)},"variant":${JSON.stringify(result.variant)},"reason":${JSON.stringify(result.reason)},"metadata":{"decidedBy":${JSON.stringify(result.decidedBy)},${tail}`,
    );

  const fragmentOf = (
    result: Extract<EvaluationResult, { ok: true }>,
    subject: ItemSubject,
    tail: string,
  ): Fragment => {
    let fragment = fragments.get(result);
    if (fragment === undefined) {
      fragment = { tail, bytes: bytesOf(result, tail), counter: undefined };
      // Frozen results are the shared ones; an unfrozen one is a one-off, not worth remembering.
      if (Object.isFrozen(result)) fragments.set(result, fragment);
    } else if (fragment.tail !== tail) {
      fragment.tail = tail;
      fragment.bytes = bytesOf(result, tail);
    }
    if (fragment.counter === undefined)
      fragment.counter = metrics.evaluationCounter(subject.env, result.key, result.variant, result.reason);
    return fragment;
  };

  const tailFor = (subject: ItemSubject): string => {
    if (tailOf.subject !== subject || tailOf.env !== subject.env || tailOf.version !== subject.version) {
      tailOf = {
        subject,
        env: subject.env,
        version: subject.version,
        tail: `"env":${JSON.stringify(subject.env)},"snapshotVersion":${JSON.stringify(subject.version)}}}`,
      };
    }
    return tailOf.tail;
  };

  const countError = (result: EvaluationResult, subject: ItemSubject) =>
    metrics.countEvaluation(subject.env, subject.has(result.key) ? result.key : UNKNOWN_FLAG_LABEL, '', 'ERROR');

  return {
    /** One result as the single-flag route answers it: the item's JSON bytes for a success, the error item otherwise. Counted. */
    item(result: EvaluationResult, subject: ItemSubject): { bytes: Buffer } | ErrorItem {
      if (!result.ok) {
        countError(result, subject);
        return errorItem(result);
      }
      const fragment = fragmentOf(result, subject, tailFor(subject));
      fragment.counter!.inc();
      return { bytes: fragment.bytes };
    },

    /**
     * `before`, the JSON array of every result's item, then `after`, as UTF-8 bytes: with
     * `{"flags":` and the rest of the object around it, a whole bulk answer, in a buffer from
     * `allocate` (of the length asked). Counted.
     */
    items(
      results: readonly EvaluationResult[],
      subject: ItemSubject,
      before = '',
      after = '',
      allocate: (length: number) => Buffer = Buffer.allocUnsafe,
    ): Buffer {
      const tail = tailFor(subject);
      // Reused across answers (items runs to the end without yielding): a bulk answer of 1,000
      // flags otherwise allocates a 1,000-slot array only to hold its fragments until the copy.
      if (parts.length < results.length) parts.length = results.length;
      let length = Buffer.byteLength(before) + Buffer.byteLength(after) + 2 + Math.max(0, results.length - 1);
      for (let i = 0; i < results.length; i++) {
        const result = results[i]!;
        let bytes: Buffer;
        if (result.ok) {
          const fragment = fragmentOf(result, subject, tail);
          fragment.counter!.inc();
          bytes = fragment.bytes;
        } else {
          countError(result, subject);
          bytes = Buffer.from(JSON.stringify(errorItem(result)));
        }
        parts[i] = bytes;
        length += bytes.length;
      }
      const out = allocate(length);
      let at = out.write(before, 0);
      out[at++] = OPEN;
      for (let i = 0; i < results.length; i++) {
        if (i > 0) out[at++] = COMMA;
        const bytes = parts[i]!;
        out.set(bytes, at);
        at += bytes.length;
        // Not kept past this answer: an error item's bytes are its own, and a held fragment may be replaced.
        parts[i] = EMPTY;
      }
      out[at++] = CLOSE;
      at += out.write(after, at);
      return out;
    },
  };
}
