import { MAX_REGEX_LENGTH } from '../../model/condition.js';
import { badOperand, type ValueTest } from './value-test.js';

/**
 * Longest attribute value a regex is run against. The schema bounds the pattern; bounding the
 * input too keeps even a backtracking-prone pattern from stalling the evaluator (ReDoS).
 */
export const MAX_MATCHED_LENGTH = 4096;

/** Compiled once per snapshot; no `g` flag, so the RegExp carries no lastIndex state between calls. */
export function compileMatches(operand: unknown): ValueTest {
  if (typeof operand !== 'string' || operand.length > MAX_REGEX_LENGTH) {
    throw badOperand('matches', `a regular expression of at most ${MAX_REGEX_LENGTH} characters`, operand);
  }
  const pattern = new RegExp(operand);
  return (value) => typeof value === 'string' && value.length <= MAX_MATCHED_LENGTH && pattern.test(value);
}
