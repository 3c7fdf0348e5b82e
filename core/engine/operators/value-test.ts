/** A compiled operator: tests one attribute value, never throws; a value of the wrong type is no match. */
export type ValueTest = (value: unknown) => boolean;

/** Thrown at compile time only, for operands that slipped past the schema; the flag then errors on evaluation. */
export function badOperand(operator: string, expected: string, operand: unknown): Error {
  return new Error(`operator "${operator}" needs ${expected} (got ${JSON.stringify(operand)})`);
}
