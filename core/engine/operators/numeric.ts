import { badOperand, type ValueTest } from './value-test.js';

function number(operator: string, operand: unknown): number {
  if (typeof operand === 'number' && !Number.isNaN(operand)) return operand;
  throw badOperand(operator, 'a number', operand);
}

// Numeric strings are not coerced: a rule on a number never matches a string by accident.
export function compileGt(operand: unknown): ValueTest {
  const bound = number('gt', operand);
  return (value) => typeof value === 'number' && value > bound;
}

export function compileGte(operand: unknown): ValueTest {
  const bound = number('gte', operand);
  return (value) => typeof value === 'number' && value >= bound;
}

export function compileLt(operand: unknown): ValueTest {
  const bound = number('lt', operand);
  return (value) => typeof value === 'number' && value < bound;
}

export function compileLte(operand: unknown): ValueTest {
  const bound = number('lte', operand);
  return (value) => typeof value === 'number' && value <= bound;
}
