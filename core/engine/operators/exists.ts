import { badOperand, type ValueTest } from './value-test.js';

/** `exists: true` holds for any present value (an empty string included); null counts as absent. */
export function compileExists(operand: unknown): ValueTest {
  if (typeof operand !== 'boolean') throw badOperand('exists', 'true or false', operand);
  return operand ? (value) => value !== undefined && value !== null : (value) => value === undefined || value === null;
}
