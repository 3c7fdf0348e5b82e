import { OPERATORS, type Condition, type OperatorTest } from '../model/condition.js';
import type { JsonValue } from '../model/flag.js';

const NUMBER = /^-?\d+(\.\d+)?$/;

/** A string operand, quoted when `--if` would otherwise read it as something else (a number, a word, several words). */
function word(text: string): string {
  const plain =
    text !== '' &&
    !/[\s,'"]/.test(text) &&
    !NUMBER.test(text) &&
    !/^(true|false|and|or)$/i.test(text) &&
    !/^[[{]/.test(text);
  if (plain) return text;
  return text.includes('"') ? `'${text}'` : `"${text}"`;
}

function operand(op: string, value: JsonValue): string {
  if (Array.isArray(value)) {
    // A quoted list reads as strings only, so quote it only when every item is a string that needs it.
    const items = value.map((v) => String(v));
    const needsQuotes = value.every((v) => typeof v === 'string') && items.some((v) => word(v) !== v);
    return needsQuotes ? `"${items.join(',')}"` : items.join(',');
  }
  if (typeof value === 'string') {
    // These operators always read their operand as text, so `endsWith 42` stays readable.
    return ['startsWith', 'endsWith', 'contains', 'matches', 'semverGt', 'semverGte', 'semverLt', 'semverLte'].includes(
      op,
    ) &&
      !/[\s'"]/.test(value) &&
      value !== ''
      ? value
      : word(value);
  }
  return JSON.stringify(value);
}

function tests(attribute: string, ops: OperatorTest): string[] {
  return Object.entries(ops).map(([op, value]) =>
    op === 'exists' && value === true ? `${attribute} exists` : `${attribute} ${op} ${operand(op, value as JsonValue)}`,
  );
}

/**
 * A condition as `--if` text (core/command/option-values.ts reads it back): `user.email endsWith
 * @x.io and tenant.tier in beta,enterprise`. `any` and `not`, which `--if` cannot write, read as
 * `(… or …)` and `not (…)`, so a rule loaded by import is still shown as people would say it.
 *
 * @example conditionText({ 'user.email': { endsWith: '@x.io' } }) // "user.email endsWith @x.io"
 */
export function conditionText(condition: Condition): string {
  const c = condition as Record<string, unknown>;
  const keys = Object.keys(c);
  if (keys.length === 1 && Array.isArray(c.all))
    return (c.all as Condition[]).map((x) => (isAny(x) ? `(${conditionText(x)})` : conditionText(x))).join(' and ');
  if (keys.length === 1 && Array.isArray(c.any))
    return (c.any as Condition[])
      .map((x) => (isSingleTest(x) ? conditionText(x) : `(${conditionText(x)})`))
      .join(' or ');
  if (keys.length === 1 && isCondition(c.not)) return `not (${conditionText(c.not as Condition)})`;
  return Object.entries(condition as Record<string, OperatorTest>)
    .flatMap(([attribute, ops]) => tests(attribute, ops))
    .join(' and ');
}

const isAny = (c: Condition) => Object.keys(c).length === 1 && Array.isArray((c as Record<string, unknown>).any);
const isSingleTest = (c: Condition) =>
  !isAny(c) && !Array.isArray((c as Record<string, unknown>).all) && conditionText(c).split(' and ').length === 1;

/** Whether `not`'s value is a condition (`{ not: { all: … } }`) rather than the tests of an attribute named `not`. */
function isCondition(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const entries = Object.entries(value);
  const operatorTest = entries.every(
    ([k, v]) =>
      (OPERATORS as readonly string[]).includes(k) && (typeof v !== 'object' || v === null || Array.isArray(v)),
  );
  return !operatorTest;
}
