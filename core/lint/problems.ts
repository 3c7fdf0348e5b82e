/**
 * What `switchyard lint` reports: one problem per finding, located in a file (and a line) when
 * the finding has a place, so CI can annotate the line that needs the fix.
 */
export type LintSeverity = 'error' | 'warning';

export type LintRule =
  | 'parse'
  | 'schema'
  | 'duplicate-key'
  | 'expired'
  | 'expiry-horizon'
  | 'missing-ticket'
  | 'max-age'
  | 'default-not-off'
  | 'off-variation'
  | 'metadata'
  | 'unreferenced-flag'
  | 'unknown-flag-reference';

export interface LintProblem {
  severity: LintSeverity;
  rule: LintRule;
  message: string;
  file?: string;
  line?: number;
  /** The flag (or referenced key) the problem is about, when there is one. */
  key?: string;
}

export interface LintSummary {
  errors: number;
  warnings: number;
}

/** `--strict`: a warning fails the build like an error, and is shown as one so the annotation matches the exit code. */
export function applyStrict(problems: LintProblem[], strict: boolean): LintProblem[] {
  return strict ? problems.map((p) => ({ ...p, severity: 'error' })) : problems;
}

export function summarize(problems: LintProblem[]): LintSummary {
  const errors = problems.filter((p) => p.severity === 'error').length;
  return { errors, warnings: problems.length - errors };
}

/** 1 when anything is an error (after `--strict`), else 0; 2 is kept for bad options, decided by the CLI. */
export function lintExitCode(problems: LintProblem[]): 0 | 1 {
  return problems.some((p) => p.severity === 'error') ? 1 : 0;
}

/** Stable order: by file, then line, so output diffs cleanly between CI runs. */
export function sortProblems(problems: LintProblem[]): LintProblem[] {
  return [...problems].sort(
    (a, b) =>
      (a.file ?? '').localeCompare(b.file ?? '') || (a.line ?? 0) - (b.line ?? 0) || a.message.localeCompare(b.message),
  );
}
