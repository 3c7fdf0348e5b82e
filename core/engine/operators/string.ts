import { badOperand, type ValueTest } from './value-test.js';

function text(operator: string, operand: unknown): string {
  if (typeof operand === 'string') return operand;
  throw badOperand(operator, 'a string', operand);
}

export function compileStartsWith(operand: unknown): ValueTest {
  const prefix = text('startsWith', operand);
  return (value) => typeof value === 'string' && value.startsWith(prefix);
}

export function compileEndsWith(operand: unknown): ValueTest {
  const suffix = text('endsWith', operand);
  return (value) => typeof value === 'string' && value.endsWith(suffix);
}

/** A substring of a string attribute, or an element of a list attribute (e.g. `user.groups`). */
export function compileContains(operand: unknown): ValueTest {
  const needle = text('contains', operand);
  return (value) =>
    typeof value === 'string' ? value.includes(needle) : Array.isArray(value) && value.includes(needle);
}
