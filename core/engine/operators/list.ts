import { badOperand, type ValueTest } from './value-test.js';

function toSet(operator: string, operand: unknown): Set<unknown> {
  if (!Array.isArray(operand)) throw badOperand(operator, 'a list', operand);
  return new Set(operand);
}

/** Membership with strict equality; the list becomes a Set once so long lists stay O(1). */
export function compileIn(operand: unknown): ValueTest {
  const members = toSet('in', operand);
  return (value) => members.has(value);
}

/** The negation of `in`: an absent attribute is "not in" the list. */
export function compileNotIn(operand: unknown): ValueTest {
  const members = toSet('notIn', operand);
  return (value) => !members.has(value);
}
