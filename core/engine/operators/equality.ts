import { badOperand, type ValueTest } from './value-test.js';

function scalar(operator: string, operand: unknown): string | number | boolean {
  if (typeof operand === 'string' || typeof operand === 'number' || typeof operand === 'boolean') return operand;
  throw badOperand(operator, 'a string, number or boolean', operand);
}

/** Strict equality: `"5"` does not equal `5`, so a context's types must match the rule's. */
export function compileEq(operand: unknown): ValueTest {
  const expected = scalar('eq', operand);
  return (value) => value === expected;
}

/** The negation of `eq`: an absent attribute is "not equal" too. */
export function compileNeq(operand: unknown): ValueTest {
  const expected = scalar('neq', operand);
  return (value) => value !== expected;
}
