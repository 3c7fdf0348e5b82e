import { summarize, type LintProblem } from './problems.js';

export const LINT_FORMATS = ['text', 'json', 'github'] as const;
export type LintFormat = (typeof LINT_FORMATS)[number];

/** `file:line: severity [rule] message`, one a line, then a count a human can check at a glance. */
function formatText(problems: LintProblem[], checked: string): string {
  const lines = problems.map(
    (p) => `${p.file ? `${p.file}:${p.line ?? 1}: ` : ''}${p.severity} [${p.rule}] ${p.message}`,
  );
  const { errors, warnings } = summarize(problems);
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  lines.push(`${checked}: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}`);
  return lines.join('\n');
}

// Workflow commands end at a newline and split properties at ',' and ':', so those are escaped
// as the GitHub Actions toolkit does (@actions/core, command.ts).
const escapeData = (text: string) => text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (text: string) => escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');

/** GitHub Actions annotations: each problem shows on its file and line in the pull request. */
function formatGithub(problems: LintProblem[]): string {
  return problems
    .map((p) => {
      const where = p.file
        ? ` file=${escapeProperty(p.file)},line=${p.line ?? 1},title=${escapeProperty(p.rule)}`
        : ` title=${escapeProperty(p.rule)}`;
      return `::${p.severity}${where}::${escapeData(p.message)}`;
    })
    .join('\n');
}

export function formatProblems(problems: LintProblem[], format: LintFormat, checked: string): string {
  if (format === 'json') return JSON.stringify({ problems, summary: summarize(problems) }, null, 2);
  if (format === 'github') return formatGithub(problems);
  return formatText(problems, checked);
}
