import { readdirSync, readFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { dirname, extname, join, resolve } from 'node:path';
import {
  compileCodePattern,
  DEFAULT_CODE_PATTERNS,
  findFlagReferences,
  lintReferences,
  SOURCE_EXTENSIONS,
  type CodeReference,
} from '../core/lint/code-references.js';
import { keyLines, lintEntries, type LintEntry, type MaxAgeDays } from '../core/lint/flag-rules.js';
import { formatProblems, LINT_FORMATS, type LintFormat } from '../core/lint/format.js';
import { applyStrict, lintExitCode, sortProblems, type LintProblem } from '../core/lint/problems.js';
import { FLAG_KINDS, type FlagKind } from '../core/model/flag.js';
import { LINT_CONFIG_FILE, readEntryFiles } from './entry-files.js';

/** Bad options or an unreadable setup, not findings: the CLI exits 2 so CI tells "misconfigured" from "flags need work". */
export class LintUsageError extends Error {}

export interface LintOptions {
  format?: string;
  strict?: boolean;
  maxAgeDays?: string;
  code?: string;
  codePattern?: string[];
  now?: Date;
}

export interface LintRun {
  output: string;
  exitCode: 0 | 1;
}

const DEFAULT_MAX_AGE_DAYS = 90;
const SKIPPED_DIRS = new Set(['node_modules', 'dist']);

interface LintConfig {
  maxAgeDays?: number | Partial<Record<FlagKind, number>>;
  codePatterns?: string[];
}

function positiveDays(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0)
    throw new LintUsageError(`${where} must be a positive whole number of days, got ${JSON.stringify(value)}`);
  return value;
}

/** `switchyard.config.json` at the linted path's root, when there is one; its mistakes are named, not ignored. */
async function readLintConfig(file: string): Promise<LintConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return {};
  }
  let config: unknown;
  try {
    config = JSON.parse(text);
  } catch (error) {
    throw new LintUsageError(`${file}: not valid JSON (${(error as Error).message})`);
  }
  if (typeof config !== 'object' || config === null || Array.isArray(config))
    throw new LintUsageError(`${file}: must be a JSON object`);
  const { maxAgeDays, codePatterns } = config as Record<string, unknown>;
  if (maxAgeDays !== undefined && typeof maxAgeDays === 'object' && maxAgeDays !== null) {
    for (const [kind, days] of Object.entries(maxAgeDays)) {
      if (!(FLAG_KINDS as readonly string[]).includes(kind))
        throw new LintUsageError(`${file}: maxAgeDays.${kind}: unknown flag kind (kinds: ${FLAG_KINDS.join(', ')})`);
      positiveDays(days, `${file}: maxAgeDays.${kind}`);
    }
  } else if (maxAgeDays !== undefined) positiveDays(maxAgeDays, `${file}: maxAgeDays`);
  if (codePatterns !== undefined && (!Array.isArray(codePatterns) || codePatterns.some((p) => typeof p !== 'string')))
    throw new LintUsageError(`${file}: codePatterns must be an array of regular expressions (strings)`);
  return config as LintConfig;
}

/** --max-age-days is the default for temporary kinds; a per-kind table in the config file wins for its kinds. */
function maxAgeOf(option: string | undefined, config: LintConfig): MaxAgeDays {
  const fromConfig = config.maxAgeDays;
  const perKind = typeof fromConfig === 'object' ? fromConfig : {};
  if (option !== undefined) {
    if (!/^\d+$/.test(option))
      throw new LintUsageError(`--max-age-days must be a positive whole number, got "${option}"`);
    return { default: positiveDays(Number(option), '--max-age-days'), perKind };
  }
  return { default: typeof fromConfig === 'number' ? fromConfig : DEFAULT_MAX_AGE_DAYS, perKind };
}

/**
 * The entries exactly as import reads them (readEntryFiles), each with the line of its key:
 * the files are read a second time for that, as text, since the reader hands back parsed JSON.
 */
async function readLintEntries(
  path: string,
  configFile: string,
): Promise<{ entries: LintEntry[]; problems: LintProblem[] }> {
  let files;
  try {
    files = (await readEntryFiles(path)).filter((e) => resolve(e.file) !== configFile);
  } catch (error) {
    // The reader stops at the first file that is not JSON, and names it first in its message.
    const message = (error as Error).message;
    const file = /^(.*?): not valid JSON/.exec(message)?.[1];
    return {
      entries: [],
      problems: [{ severity: 'error', rule: 'parse', message, ...(file ? { file, line: 1 } : {}) }],
    };
  }
  if (!files.length)
    return {
      entries: [],
      problems: [{ severity: 'error', rule: 'parse', message: `${path}: no .json entries found` }],
    };
  const lines = new Map<string, Map<string, number[]>>();
  const occurrences = new Map<string, number>();
  const entries = files.map(({ file, document }) => {
    // Synchronous on purpose: for thousands of small files it is ten times faster than promises,
    // which wait on the thread pool once per file, and a one-shot CLI has nothing else to do meanwhile.
    if (!lines.has(file)) lines.set(file, keyLines(readFileSync(file, 'utf8')));
    const key = (document as { key?: unknown } | null)?.key;
    const id = `${file}\0${String(key)}`;
    const nth = occurrences.get(id) ?? 0;
    occurrences.set(id, nth + 1);
    return { file, document, line: (typeof key === 'string' && lines.get(file)!.get(key)?.[nth]) || 1 };
  });
  return { entries, problems: [] };
}

function filesBelow(dir: string, into: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name) && !entry.name.startsWith('.')) filesBelow(full, into);
    } else if (entry.isFile()) into.push(full);
  }
  return into;
}

/** Other languages' files are scanned only with the user's patterns, which know their syntax. */
async function scanCode(dir: string, custom: RegExp[]): Promise<CodeReference[]> {
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) throw new LintUsageError(`--code ${dir}: no such directory`);
  const isSource = (file: string) => SOURCE_EXTENSIONS.includes(extname(file));
  const files = filesBelow(dir).filter((file) => custom.length > 0 || isSource(file));
  const found = files.map((file) => {
    const text = readFileSync(file, 'utf8');
    const patterns = isSource(file) ? [...DEFAULT_CODE_PATTERNS, ...custom] : custom;
    return findFlagReferences(text, file, patterns);
  });
  return found.flat();
}

/** `switchyard lint [path]`: the flags-as-code checks for CI, from files alone (no database). */
export async function runLint(path: string, options: LintOptions): Promise<LintRun> {
  const format = (options.format ?? 'text') as LintFormat;
  if (!LINT_FORMATS.includes(format))
    throw new LintUsageError(`--format must be one of ${LINT_FORMATS.join(', ')}, got "${options.format}"`);
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new LintUsageError(`${path}: no such file or directory`);
  const configFile = resolve(info.isDirectory() ? path : dirname(path), LINT_CONFIG_FILE);
  const config = await readLintConfig(configFile);
  const maxAgeDays = maxAgeOf(options.maxAgeDays, config);
  const patterns = [...(config.codePatterns ?? []), ...(options.codePattern ?? [])].map((source) => {
    try {
      return compileCodePattern(source);
    } catch (error) {
      throw new LintUsageError((error as Error).message);
    }
  });

  const read = await readLintEntries(path, configFile);
  const linted = lintEntries(read.entries, { now: options.now ?? new Date(), maxAgeDays });
  const problems = [...read.problems, ...linted.problems];
  if (options.code !== undefined) {
    const references = await scanCode(options.code, patterns);
    // Without the flags (a file that is not JSON), every key in code would be "not a flag": noise, not news.
    if (!read.problems.length) problems.push(...lintReferences(linted.flags, linted.otherKeys, references));
  }
  const final = sortProblems(applyStrict(problems, options.strict ?? false));
  return { output: formatProblems(final, format, path), exitCode: lintExitCode(final) };
}
