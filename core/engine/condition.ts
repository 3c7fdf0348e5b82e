import type { Condition } from '../model/condition.js';
import { compileAttributePath } from './attribute.js';
import { compileOperatorTest } from './operators/index.js';
import type { EvaluationContext } from './types.js';

export type Predicate = (context: EvaluationContext) => boolean;

function every(predicates: Predicate[]): Predicate {
  if (predicates.length === 1) return predicates[0]!;
  return (context) => {
    for (let i = 0; i < predicates.length; i++) if (!predicates[i]!(context)) return false;
    return true;
  };
}

function some(predicates: Predicate[]): Predicate {
  if (predicates.length === 1) return predicates[0]!;
  return (context) => {
    for (let i = 0; i < predicates.length; i++) if (predicates[i]!(context)) return true;
    return false;
  };
}

/** Apart from compileCondition so the predicate's scope holds the reader and the test, not the condition document. */
function attributeTest(read: (context: EvaluationContext) => unknown, holds: (value: unknown) => boolean): Predicate {
  return (context) => holds(read(context));
}

function list(combinator: string, value: unknown): Condition[] {
  if (!Array.isArray(value) || value.length === 0)
    throw new Error(`"${combinator}" needs a non-empty list of conditions`);
  return value as Condition[];
}

/**
 * Compiles a condition (docs/design.md#resolution-order) into a predicate closure, once per snapshot. An object with the
 * single key `all`, `any` or `not` is a combinator; otherwise every key is an attribute path whose
 * operator test must hold. Throws on malformed input so the flag reports it on every evaluation.
 */
export function compileCondition(condition: Condition): Predicate {
  if (condition === null || typeof condition !== 'object' || Array.isArray(condition)) {
    throw new Error(`a condition must be an object (got ${JSON.stringify(condition)})`);
  }
  const keys = Object.keys(condition);
  if (keys.length === 1) {
    const only = keys[0]!;
    const value = (condition as Record<string, unknown>)[only];
    if (only === 'all') return every(list('all', value).map(compileCondition));
    if (only === 'any') return some(list('any', value).map(compileCondition));
    if (only === 'not') {
      const inner = compileCondition(value as Condition);
      return (context) => !inner(context);
    }
  }
  if (keys.length === 0) throw new Error('a condition needs at least one attribute');
  return every(
    keys.map((path) => {
      const test = (condition as Record<string, unknown>)[path];
      if (test === null || typeof test !== 'object' || Array.isArray(test)) {
        throw new Error(`attribute "${path}" needs an operator test like { "eq": … } (got ${JSON.stringify(test)})`);
      }
      return attributeTest(compileAttributePath(path), compileOperatorTest(test as Record<string, unknown>));
    }),
  );
}
