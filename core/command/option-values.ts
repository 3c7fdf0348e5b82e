import type { z } from 'zod';
import { OPERATORS, conditionSchema, type Condition, type Operator } from '../model/condition.js';
import type { FlagValueType, JsonValue, Variation } from '../model/flag.js';
import { tokenize, UnterminatedQuoteError, type Token } from './tokenize.js';
import { stagesProblem } from '../rollout-stages.js';

/** A value that does not read as what its option expects; the parser adds which option and the usage. */
export class BadValue extends Error {}

function zodProblem(error: z.ZodError): string {
  return error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
}

const NUMBER = /^-?\d+(\.\d+)?$/;

/** Unquoted words that look like numbers or booleans are read as such; quoted ones stay strings. */
function scalar(text: string, quoted: boolean): string | number | boolean {
  if (quoted) return text;
  if (NUMBER.test(text)) return Number(text);
  if (text === 'true' || text === 'false') return text === 'true';
  return text;
}

/** Splits on `separator` outside quotes, brackets and braces, so JSON values keep their commas. */
export function splitTopLevel(text: string, separator = ','): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let current = '';
  for (const c of text) {
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"') quote = c;
    else if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') depth--;
    else if (c === separator && depth === 0) {
      parts.push(current);
      current = '';
      continue;
    }
    current += c;
  }
  parts.push(current);
  return parts.map((p) => p.trim());
}

const OPERATOR_NAMES = new Map<string, Operator>([
  ...OPERATORS.map((op) => [op.toLowerCase(), op] as [string, Operator]),
  ['=', 'eq'],
  ['==', 'eq'],
  ['!=', 'neq'],
  ['>', 'gt'],
  ['>=', 'gte'],
  ['<', 'lt'],
  ['<=', 'lte'],
]);
const NUMERIC_OPS = new Set<Operator>(['gt', 'gte', 'lt', 'lte']);
const STRING_OPS = new Set<Operator>([
  'startsWith',
  'endsWith',
  'contains',
  'matches',
  'semverGt',
  'semverGte',
  'semverLt',
  'semverLte',
]);

function operand(op: Operator, token: Token): JsonValue {
  if (op === 'in' || op === 'notIn') {
    const items = token.quoted ? token.text.split(',') : splitTopLevel(token.text);
    const values = items.map((item) => item.trim()).filter(Boolean);
    if (values.length === 0) throw new BadValue(`\`${op}\` needs a comma-separated list (got \`${token.text}\`)`);
    return values.map((v) => scalar(v, token.quoted));
  }
  if (NUMERIC_OPS.has(op)) {
    if (!NUMBER.test(token.text)) throw new BadValue(`\`${op}\` needs a number (got \`${token.text}\`)`);
    return Number(token.text);
  }
  if (STRING_OPS.has(op)) return token.text;
  if (op === 'exists') {
    if (token.text !== 'true' && token.text !== 'false')
      throw new BadValue(`\`exists\` takes true or false (got \`${token.text}\`)`);
    return token.text === 'true';
  }
  return scalar(token.text, token.quoted);
}

/**
 * Reads `--if` text: `<attr> <op> <value>` tests joined by `and`, e.g.
 * `tenant.tier in beta,enterprise and app.version semverGte 2.1.0` → `{ all: [...] }`.
 * Operators are the condition model's names (any case) or `= == != > >= < <=`.
 */
export function parseConditionText(text: string): Condition {
  let tokens: Token[];
  try {
    tokens = tokenize(text);
  } catch (error) {
    if (error instanceof UnterminatedQuoteError) throw new BadValue(error.message);
    throw error;
  }
  if (tokens.length === 0) throw new BadValue('is empty: write `<attr> <op> <value> [and …]`');
  const tests: Condition[] = [];
  let i = 0;
  while (i < tokens.length) {
    const attribute = tokens[i]!.text;
    const opToken = tokens[i + 1];
    if (!opToken) throw new BadValue(`\`${attribute}\` needs an operator and a value, e.g. \`${attribute} eq value\``);
    const op = OPERATOR_NAMES.get(opToken.text.toLowerCase());
    if (!op) throw new BadValue(`unknown operator \`${opToken.text}\` (operators: ${OPERATORS.join(', ')})`);
    const valueToken = tokens[i + 2];
    const joinsNext = (t: Token | undefined) => t !== undefined && !t.quoted && t.text.toLowerCase() === 'and';
    if (op === 'exists' && (valueToken === undefined || joinsNext(valueToken))) {
      tests.push({ [attribute]: { exists: true } });
      i += 2;
    } else {
      if (!valueToken) throw new BadValue(`\`${attribute} ${opToken.text}\` needs a value`);
      tests.push({ [attribute]: { [op]: operand(op, valueToken) } });
      i += 3;
    }
    if (i < tokens.length) {
      const joiner = tokens[i]!;
      if (!joinsNext(joiner)) {
        throw new BadValue(
          joiner.text.toLowerCase() === 'or'
            ? '`or` is not supported: add one rule per alternative'
            : `expected \`and\` after a test (got \`${joiner.text}\`)`,
        );
      }
      i++;
      if (i === tokens.length) throw new BadValue('ends with `and`: add the next test');
    }
  }
  const condition = tests.length === 1 ? tests[0]! : { all: tests };
  const checked = conditionSchema.safeParse(condition);
  if (!checked.success) throw new BadValue(`is not a valid condition: ${zodProblem(checked.error)}`);
  return checked.data;
}

function typedValue(type: FlagValueType, raw: string, id: string): JsonValue {
  switch (type) {
    case 'boolean':
      if (raw !== 'true' && raw !== 'false')
        throw new BadValue(`variation \`${id}\` must be true or false for a boolean flag (got \`${raw}\`)`);
      return raw === 'true';
    case 'number':
      if (!NUMBER.test(raw)) throw new BadValue(`variation \`${id}\` must be a number (got \`${raw}\`)`);
      return Number(raw);
    case 'string':
      return raw.replace(/^"(.*)"$/, '$1');
    case 'json':
      try {
        return JSON.parse(raw) as JsonValue;
      } catch (error) {
        throw new BadValue(`variation \`${id}\` is not valid JSON: ${(error as Error).message} (got \`${raw}\`)`);
      }
  }
}

function inferType(raws: string[]): FlagValueType {
  if (raws.every((r) => r === 'true' || r === 'false')) return 'boolean';
  if (raws.every((r) => NUMBER.test(r))) return 'number';
  if (raws.every((r) => r.startsWith('{') || r.startsWith('['))) return 'json';
  return 'string';
}

/** `on=true,off=false` → variations typed by `type` (inferred from the values when not given). */
export function parseVariations(text: string, type?: FlagValueType): { type: FlagValueType; variations: Variation[] } {
  const pairs = splitTopLevel(text).map((item) => {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new BadValue(`\`${item}\` is not \`id=value\``);
    return { id: item.slice(0, eq).trim(), raw: item.slice(eq + 1).trim() };
  });
  const seen = new Set<string>();
  for (const { id } of pairs) {
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(id))
      throw new BadValue(`variation id \`${id}\` may only hold letters, digits, ".", "_" or "-"`);
    if (seen.has(id)) throw new BadValue(`variation id \`${id}\` appears twice`);
    seen.add(id);
  }
  const resolved = type ?? inferType(pairs.map((p) => p.raw));
  // Values first: a JSON value whose brackets never close swallows the variations after it, and
  // its JSON problem is the news, not the count.
  const variations = pairs.map(({ id, raw }) => ({ id, value: typedValue(resolved, raw, id) }));
  if (pairs.length < 2) throw new BadValue('needs at least two variations, e.g. `on=true,off=false`');
  return { type: resolved, variations };
}

/** `1,5,25,50,100` → percentages, strictly rising, ending at 100 (core/rollout-stages.ts). */
export function parseStages(text: string): number[] {
  const stages = text.split(',').map((p) => {
    const part = p.trim();
    if (!NUMBER.test(part)) throw new BadValue(`stage \`${part}\` is not a percentage above 0 and at most 100`);
    return Number(part);
  });
  const problem = stagesProblem(stages);
  if (problem) throw new BadValue(`${problem} (got \`${text}\`)`);
  return stages;
}

/** `beta,standard,enterprise` → distinct cohort names in rollout order. */
export function parseList(text: string, what: string): string[] {
  const items = text.split(',').map((p) => p.trim());
  if (items.some((i) => !i)) throw new BadValue(`has an empty ${what} (got \`${text}\`)`);
  const dup = items.find((item, i) => items.indexOf(item) !== i);
  if (dup) throw new BadValue(`names ${what} \`${dup}\` twice`);
  return items;
}

/** Slack sends mentions as `<@U123|name>` (or `<@U123>`); we keep the id. Plain ids pass through. */
export function normalizeUser(text: string): string {
  const mention = /^<@([A-Z0-9]+)(\|[^>]*)?>$/i.exec(text);
  if (mention) return mention[1]!;
  if (text.startsWith('<') || text.startsWith('@')) {
    throw new BadValue(`\`${text}\` is not a user: mention them with @ so Slack sends their id, or give the id (U…)`);
  }
  return text;
}

/** A calendar date `YYYY-MM-DD` that exists. */
export function parseDate(text: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const date = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : undefined;
  if (!date || date.toISOString().slice(0, 10) !== text)
    throw new BadValue(`must be a date YYYY-MM-DD (got \`${text}\`)`);
  return text;
}
