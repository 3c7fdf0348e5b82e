import { ValidationError } from '../errors.js';
import type { FlagLocation } from './flag-rules.js';
import type { LintProblem } from './problems.js';

/** A flag key found in source code. */
export interface CodeReference {
  key: string;
  file: string;
  line: number;
}

/** A plain string literal: single, double or back quotes (the latter without `${}`, which is not a fixed key). */
const LITERAL = String.raw`(?:'([^'\\\n]*)'|"([^"\\\n]*)"|\x60([^\x60\\$\n]*)\x60)`;

/**
 * What the TS/JS scan recognises: OpenFeature clients' typed getters
 * (`client.getBooleanValue('key', …)`, `getStringDetails`, …) and React-style hooks
 * (`useFlag('key')`, `useBooleanFlagValue('key', …)`), always with the key as the first argument.
 */
export const DEFAULT_CODE_PATTERNS: readonly RegExp[] = [
  new RegExp(String.raw`\.get(?:Boolean|String|Number|Object)(?:Value|Details)\s*\(\s*${LITERAL}`, 'g'),
  new RegExp(String.raw`\buse(?:[A-Z]\w*)?Flag\w*\s*\(\s*${LITERAL}`, 'g'),
];

export const SOURCE_EXTENSIONS: readonly string[] = ['.ts', '.tsx', '.js', '.jsx', '.mjs', '.cjs'];

/**
 * A `--code-pattern` (or `codePatterns` entry) for other languages: a regular expression whose one
 * capture group is the flag key. Refused with the reason when it does not compile or has no or
 * several groups, since then which text is the key would be a guess.
 */
export function compileCodePattern(source: string): RegExp {
  let pattern: RegExp;
  try {
    pattern = new RegExp(source, 'g');
  } catch (error) {
    throw new ValidationError(
      `code pattern ${JSON.stringify(source)} is not a valid regular expression: ${(error as Error).message}`,
    );
  }
  // An alternation with the empty pattern always matches, which counts the groups without needing sample text.
  const groups = new RegExp(`${source}|`).exec('')!.length - 1;
  if (groups !== 1)
    throw new ValidationError(
      `code pattern ${JSON.stringify(source)} must have exactly one capture group (the flag key), it has ${groups}; use (?:…) for the others`,
    );
  return pattern;
}

/** Every key the patterns find in one file's text, with its 1-based line. */
export function findFlagReferences(text: string, file: string, patterns: readonly RegExp[]): CodeReference[] {
  const found: { key: string; index: number }[] = [];
  for (const source of patterns) {
    // A fresh copy: a shared global RegExp carries lastIndex from the previous file.
    const pattern = new RegExp(source.source, source.flags.includes('g') ? source.flags : `${source.flags}g`);
    for (const match of text.matchAll(pattern)) {
      const key = match.slice(1).find((group) => group !== undefined);
      if (key) found.push({ key, index: match.index });
    }
  }
  if (!found.length) return [];
  found.sort((a, b) => a.index - b.index);
  // Lines counted once per file, walking forward through the sorted matches.
  const references: CodeReference[] = [];
  let line = 1;
  let at = 0;
  for (const { key, index } of found) {
    for (let i = text.indexOf('\n', at); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) {
      line++;
      at = i + 1;
    }
    references.push({ key, file, line });
  }
  return references;
}

/**
 * Edit distance, bounded: only the diagonal band |i - j| <= limit can stay within the limit, so only
 * it is computed, and it gives up (returns limit + 1) once a whole row is beyond the limit. A scan
 * naming hundreds of unknown keys against thousands of flags stays well under a second this way.
 */
export function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  const over = limit + 1;
  // Two rows, reused across calls: a fresh array per row was most of the cost (garbage).
  if (rows[0].length <= b.length) rows = [new Int32Array(b.length * 2 + 2), new Int32Array(b.length * 2 + 2)];
  let [previous, current] = rows;
  for (let j = 0; j <= b.length; j++) previous[j] = j <= limit ? j : over;
  for (let i = 1; i <= a.length; i++) {
    const from = Math.max(1, i - limit);
    const to = Math.min(b.length, i + limit);
    current[0] = i <= limit ? i : over;
    if (from > 1) current[from - 1] = over;
    let best = current[0];
    const code = a.charCodeAt(i - 1);
    for (let j = from; j <= to; j++) {
      const cost = code === b.charCodeAt(j - 1) ? 0 : 1;
      const value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost, over);
      current[j] = value;
      if (value < best) best = value;
    }
    if (to < b.length) current[to + 1] = over;
    if (best > limit) return over;
    [previous, current] = [current, previous];
  }
  return previous[b.length]!;
}

let rows: [Int32Array, Int32Array] = [new Int32Array(130), new Int32Array(130)];

/** How many edits still count as a typo: 1 for short keys, up to 3 for long ones (beyond, it is another name). */
const typoLimit = (key: string) => Math.min(3, Math.max(1, Math.floor(key.length / 4)));

/** The flag key closest to a key code names, when close enough to be a likely typo. */
export function closestKey(key: string, keys: Iterable<string>): string | undefined {
  const limit = typoLimit(key);
  let best: { key: string; distance: number } | undefined;
  for (const candidate of keys) {
    if (Math.abs(candidate.length - key.length) > (best ? best.distance - 1 : limit)) continue;
    const distance = editDistance(key, candidate, best ? best.distance - 1 : limit);
    if (distance <= limit && (!best || distance < best.distance)) best = { key: candidate, distance };
    if (best?.distance === 1) break;
  }
  return best?.key;
}

/**
 * Flags against code: a flag no code names is ready to remove (a warning: it may be read by code
 * outside the scanned tree); a key code names that is no flag is an error, most likely a typo,
 * since the SDK would silently serve the caller's fallback. `otherKeys` (config entries, invalid
 * flags) count as known.
 */
export function lintReferences(
  flags: Map<string, FlagLocation>,
  otherKeys: Set<string>,
  references: CodeReference[],
): LintProblem[] {
  const problems: LintProblem[] = [];
  const referenced = new Set(references.map((r) => r.key));
  for (const [key, at] of flags) {
    if (!referenced.has(key))
      problems.push({
        severity: 'warning',
        rule: 'unreferenced-flag',
        message: `${key}: no code references this flag; ready to remove`,
        key,
        ...at,
      });
  }
  const suggestions = new Map<string, string | undefined>();
  for (const reference of references) {
    if (flags.has(reference.key) || otherKeys.has(reference.key)) continue;
    if (!suggestions.has(reference.key)) suggestions.set(reference.key, closestKey(reference.key, flags.keys()));
    const suggestion = suggestions.get(reference.key);
    problems.push({
      severity: 'error',
      rule: 'unknown-flag-reference',
      message: `"${reference.key}" is not a flag${suggestion ? `; did you mean "${suggestion}"?` : ''}`,
      key: reference.key,
      file: reference.file,
      line: reference.line,
    });
  }
  return problems;
}
