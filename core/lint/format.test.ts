import { describe, expect, it } from 'vitest';
import { formatProblems } from './format.js';
import { applyStrict, lintExitCode, type LintProblem } from './problems.js';

const problems: LintProblem[] = [
  {
    severity: 'error',
    rule: 'expired',
    message: 'a: expiry passed, 3 days: ago\nsecond line 100%',
    file: 'f,1.json',
    line: 4,
  },
  { severity: 'warning', rule: 'parse', message: 'no .json entries found' },
];

describe('formatProblems', () => {
  it('writes text with locations and a count', () => {
    expect(formatProblems(problems, 'text', 'flags')).toBe(
      [
        'f,1.json:4: error [expired] a: expiry passed, 3 days: ago\nsecond line 100%',
        'warning [parse] no .json entries found',
        'flags: 1 error, 1 warning',
      ].join('\n'),
    );
  });

  it('writes GitHub annotations, escaped as the Actions toolkit does', () => {
    expect(formatProblems(problems, 'github', 'flags').split('\n')).toEqual([
      '::error file=f%2C1.json,line=4,title=expired::a: expiry passed, 3 days: ago%0Asecond line 100%25',
      '::warning title=parse::no .json entries found',
    ]);
  });

  it('writes JSON with a summary', () => {
    expect(JSON.parse(formatProblems(problems, 'json', 'flags'))).toEqual({
      problems,
      summary: { errors: 1, warnings: 1 },
    });
  });
});

describe('exit code', () => {
  it('is 1 on errors, 0 on warnings only, 1 on warnings under --strict', () => {
    const warnings = problems.slice(1);
    expect(lintExitCode(problems)).toBe(1);
    expect(lintExitCode(warnings)).toBe(0);
    expect(lintExitCode(applyStrict(warnings, true))).toBe(1);
    expect(lintExitCode([])).toBe(0);
  });
});
