import type { FlagDocument, FlagKind } from '../model/flag.js';
import { defaultVariationId, offVariationId, validateFlag } from '../model/validate-flag.js';
import { validateConfigEntry } from '../model/validate-config-value.js';
import type { LintProblem, LintRule } from './problems.js';

const DAY_MS = 86_400_000;

/** One entry as import reads it (cli/entry-files.ts), plus the line of its key in the file (1 when not found). */
export interface LintEntry {
  file: string;
  line: number;
  document: unknown;
}

/**
 * Age limits in days. `default` applies to the kinds that are meant to go away (release and
 * experiment, docs/design.md#flag-kinds); ops and permission flags are permanent, so they are
 * aged only when `perKind` names them.
 */
export interface MaxAgeDays {
  default: number;
  perKind: Partial<Record<FlagKind, number>>;
}

export interface FlagLintOptions {
  now: Date;
  maxAgeDays: MaxAgeDays;
}

/** Where a flag is defined, for the code-reference rules. */
export interface FlagLocation {
  file: string;
  line: number;
}

export interface FlagLintResult {
  problems: LintProblem[];
  flags: Map<string, FlagLocation>;
  /**
   * Keys that are not lintable flags but that code may legitimately read, so never a "typo":
   * config entries, and entries that failed validation (their schema error is already reported).
   */
  otherKeys: Set<string>;
}

const TEMPORARY_KINDS: ReadonlySet<FlagKind> = new Set(['release', 'experiment']);

export function maxAgeFor(kind: FlagKind, limits: MaxAgeDays): number | undefined {
  return limits.perKind[kind] ?? (TEMPORARY_KINDS.has(kind) ? limits.default : undefined);
}

const isConfig = (document: unknown) =>
  typeof document === 'object' && document !== null && (document as { type?: unknown }).type === 'config';

/**
 * validateFlag's import warnings, sorted into lint rules. The expiry-in-the-past warning is
 * dropped: lint reports that itself, as an error, with how long ago it passed.
 */
function importWarningRule(warning: string, flag: FlagDocument): LintRule | undefined {
  if (flag.expiry && warning.includes(`expiry ${flag.expiry} is in the past`)) return undefined;
  if (warning.includes('offVariation:')) return 'off-variation';
  if (warning.includes('days ahead')) return 'expiry-horizon';
  return 'schema';
}

/** The variation a flag "should" serve when nobody has turned it on: off for a release, control for an experiment. */
function restingVariation(flag: FlagDocument): { id: string; name: string } | undefined {
  if (flag.kind === 'release') return { id: offVariationId(flag), name: 'off variation' };
  if (flag.kind === 'experiment') {
    const control = flag.variations.find((v) => v.id === 'control');
    return control
      ? { id: control.id, name: 'control variation' }
      : { id: offVariationId(flag), name: 'off variation' };
  }
  return undefined;
}

const article = (kind: FlagKind) => (kind === 'experiment' || kind === 'ops' ? `an ${kind}` : `a ${kind}`);

function lifecycleProblems(flag: FlagDocument, options: FlagLintOptions): Omit<LintProblem, 'file' | 'line'>[] {
  const found: Omit<LintProblem, 'file' | 'line'>[] = [];
  const add = (severity: LintProblem['severity'], rule: LintRule, message: string) =>
    found.push({ severity, rule, message: `${flag.key}: ${message}`, key: flag.key });
  const now = options.now.getTime();

  if (flag.expiry && Date.parse(flag.expiry) < now) {
    const days = Math.floor((now - Date.parse(flag.expiry)) / DAY_MS);
    add(
      'error',
      'expired',
      `expiry ${flag.expiry} passed ${days} day${days === 1 ? '' : 's'} ago; remove the flag and its code, or extend the expiry`,
    );
  }
  if (TEMPORARY_KINDS.has(flag.kind) && !flag.ticket?.trim()) {
    add(
      'warning',
      'missing-ticket',
      `${article(flag.kind)} flag should carry a cleanup "ticket" (who removes it, and where)`,
    );
  }
  const limit = maxAgeFor(flag.kind, options.maxAgeDays);
  if (limit !== undefined && flag.createdAt) {
    const age = Math.floor((now - Date.parse(flag.createdAt)) / DAY_MS);
    if (age > limit)
      add(
        'warning',
        'max-age',
        `created ${age} days ago (${flag.createdAt}), older than the ${limit} days allowed for ${article(flag.kind)} flag`,
      );
  }
  const resting = restingVariation(flag);
  const served = defaultVariationId(flag);
  if (resting && served !== undefined && served !== resting.id) {
    add(
      'warning',
      'default-not-off',
      `${article(flag.kind)} flag should default to its ${resting.name} "${resting.id}", not "${served}"`,
    );
  }
  // The schema refuses empty owner/description; a blank one passes it but tells nobody anything.
  if (!flag.owner.trim()) add('warning', 'metadata', 'owner is blank');
  if (!flag.description.trim()) add('warning', 'metadata', 'description is blank');
  return found;
}

/**
 * The file-only rules of `switchyard lint`: the checks import applies (schema, variation
 * references, each kind's required metadata), then lifecycle and readiness rules import does not
 * apply (expired, no cleanup ticket, too old, a default that is not off). The flag model has no
 * references between flags (no prerequisites), so there is nothing cross-flag to check but
 * duplicate keys.
 */
export function lintEntries(entries: LintEntry[], options: FlagLintOptions): FlagLintResult {
  const problems: LintProblem[] = [];
  const flags = new Map<string, FlagLocation>();
  const otherKeys = new Set<string>();
  const seen = new Map<string, LintEntry>();
  for (const entry of entries) {
    const at = { file: entry.file, line: entry.line };
    let id: string;
    try {
      if (isConfig(entry.document)) {
        const config = validateConfigEntry(entry.document);
        otherKeys.add(config.key);
        id = `config:${config.key}`;
      } else {
        const { flag, warnings } = validateFlag(entry.document, { mode: 'import', now: options.now });
        id = `flag:${flag.key}`;
        if (!flags.has(flag.key)) flags.set(flag.key, at);
        for (const warning of warnings) {
          const rule = importWarningRule(warning, flag);
          if (rule) problems.push({ severity: 'warning', rule, message: warning, key: flag.key, ...at });
        }
        for (const problem of lifecycleProblems(flag, options)) problems.push({ ...problem, ...at });
      }
    } catch (error) {
      problems.push({ severity: 'error', rule: 'schema', message: (error as Error).message, ...at });
      const key = (entry.document as { key?: unknown } | null)?.key;
      if (typeof key === 'string') otherKeys.add(key);
      continue;
    }
    const first = seen.get(id);
    if (first) {
      problems.push({
        severity: 'error',
        rule: 'duplicate-key',
        message: `${id} is defined again (first in ${first.file}:${first.line}); import refuses the whole tree`,
        key: id.slice(id.indexOf(':') + 1),
        ...at,
      });
    } else seen.set(id, entry);
  }
  return { problems, flags, otherKeys };
}

/**
 * The lines of every `"key": "<key>"` in a file's text, per key in order of appearance, so an
 * annotation lands on the flag rather than the top of the file (the nth entry with a key takes
 * the nth line). One pass per file: thousands of files cost one regular expression, not one each.
 */
export function keyLines(text: string): Map<string, number[]> {
  const lines = new Map<string, number[]>();
  let line = 1;
  let at = 0;
  for (const match of text.matchAll(/"key"\s*:\s*("(?:[^"\\\n]|\\.)*")/g)) {
    for (let i = text.indexOf('\n', at); i !== -1 && i < match.index; i = text.indexOf('\n', i + 1)) {
      line++;
      at = i + 1;
    }
    const key = JSON.parse(match[1]!) as string;
    lines.set(key, [...(lines.get(key) ?? []), line]);
  }
  return lines;
}
