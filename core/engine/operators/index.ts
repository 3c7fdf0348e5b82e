import type { Operator } from '../../model/condition.js';
import { compileEq, compileNeq } from './equality.js';
import { compileExists } from './exists.js';
import { compileIn, compileNotIn } from './list.js';
import { compileGt, compileGte, compileLt, compileLte } from './numeric.js';
import { compileMatches } from './regex.js';
import { compileSemverGt, compileSemverGte, compileSemverLt, compileSemverLte } from './semver.js';
import { compileContains, compileEndsWith, compileStartsWith } from './string.js';
import type { ValueTest } from './value-test.js';

export type { ValueTest } from './value-test.js';

const compilers: Record<Operator, (operand: unknown) => ValueTest> = {
  eq: compileEq,
  neq: compileNeq,
  in: compileIn,
  notIn: compileNotIn,
  startsWith: compileStartsWith,
  endsWith: compileEndsWith,
  contains: compileContains,
  matches: compileMatches,
  gt: compileGt,
  gte: compileGte,
  lt: compileLt,
  lte: compileLte,
  semverGt: compileSemverGt,
  semverGte: compileSemverGte,
  semverLt: compileSemverLt,
  semverLte: compileSemverLte,
  exists: compileExists,
};

/**
 * Compiles one attribute's operator test (`{ "gte": 2, "lt": 5 }`): every operator must hold.
 * Throws on an unknown operator or a bad operand; compile-time only.
 */
export function compileOperatorTest(test: Record<string, unknown>): ValueTest {
  const tests = Object.entries(test).map(([operator, operand]) => {
    const compile = Object.hasOwn(compilers, operator) ? compilers[operator as Operator] : undefined;
    if (!compile) throw new Error(`unknown operator "${operator}" (known: ${Object.keys(compilers).join(', ')})`);
    return compile(operand);
  });
  if (tests.length === 0) throw new Error('an attribute test needs at least one operator');
  if (tests.length === 1) return tests[0]!;
  return (value) => {
    for (let i = 0; i < tests.length; i++) if (!tests[i]!(value)) return false;
    return true;
  };
}
