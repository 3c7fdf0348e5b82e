import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * `switchyard lint` as CI runs it, on the fixture trees under test/fixtures/lint/ (no database).
 * Each run is a process of its own, so all of them start at once in beforeAll and the tests
 * below read their outputs.
 */
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
const F = 'test/fixtures/lint';

type Run = { code: number; stdout: string; stderr: string };
function lint(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', MAIN, 'lint', ...args],
      { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'silent' }, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const CODE = [`${F}/code/flags`, '--code', `${F}/code`];
const PY_PATTERN = String.raw`is_enabled\("([^"]+)"\)`;
const commands = {
  clean: [`${F}/clean`],
  cleanGithub: [`${F}/clean`, '--format', 'github'],
  expired: [`${F}/expired`],
  expiredGithub: [`${F}/expired`, '--format', 'github'],
  expiredJson: [`${F}/expired`, '--format', 'json'],
  warnings: [`${F}/warnings`],
  warningsStrict: [`${F}/warnings`, '--strict'],
  warningsLongMaxAge: [`${F}/warnings`, '--max-age-days', '5'],
  code: CODE,
  codeJson: [...CODE, '--format', 'json'],
  codeGithub: [...CODE, '--format', 'github', '--code-pattern', PY_PATTERN],
  badFormat: [`${F}/clean`, '--format', 'xml'],
  badAge: [`${F}/clean`, '--max-age-days', 'soon'],
  badPattern: [...CODE, '--code-pattern', '(a)(b)'],
  unknownOption: [`${F}/clean`, '--colour'],
  missingPath: [`${F}/nowhere`],
};
let runs: Record<keyof typeof commands, Run>;
let scratch: string;
let scratchRuns: { badJson: Run; badConfig: Run; skipped: Run };

beforeAll(async () => {
  // Trees that cannot be committed as fixtures: a node_modules (ignored by git) and broken files.
  scratch = await mkdtemp(join(tmpdir(), 'switchyard-lint-'));
  await mkdir(join(scratch, 'flags'));
  await mkdir(join(scratch, 'src/node_modules/sdk'), { recursive: true });
  await writeFile(join(scratch, 'flags/broken.json'), '{ "key": ');
  await writeFile(join(scratch, 'switchyard.config.json'), '{ "maxAgeDays": { "beta": 3 } }');
  await writeFile(join(scratch, 'src/node_modules/sdk/index.js'), "client.getBooleanValue('not.a.flag', false);");
  const all = await Promise.all([
    ...Object.values(commands).map((args) => lint(...args)),
    lint(join(scratch, 'flags')),
    lint(scratch),
    lint(`${F}/clean`, '--code', join(scratch, 'src')),
  ]);
  const names = Object.keys(commands) as (keyof typeof commands)[];
  runs = Object.fromEntries(names.map((name, i) => [name, all[i]!])) as typeof runs;
  const [badJson, badConfig, skipped] = all.slice(names.length) as [Run, Run, Run];
  scratchRuns = { badJson, badConfig, skipped };
}, 120_000);
afterAll(() => rm(scratch, { recursive: true, force: true }));

describe('switchyard lint', () => {
  it('passes a clean tree (flags of permanent kinds, an old permission flag, a config entry)', () => {
    expect(runs.clean).toEqual({ code: 0, stdout: `${F}/clean: 0 errors, 0 warnings\n`, stderr: '' });
    expect(runs.cleanGithub).toMatchObject({ code: 0, stdout: '' });
  });

  it('fails an expired flag, in all three formats, at the line of its key', () => {
    const message =
      /checkout\.v2: expiry 2020-06-30 passed \d+ days ago; remove the flag and its code, or extend the expiry/;
    expect(runs.expired.code).toBe(1);
    expect(runs.expired.stdout).toMatch(
      new RegExp(`^${F}/expired/checkout-v2.json:2: error \\[expired\\] ${message.source}`),
    );
    expect(runs.expired.stdout).toContain(`${F}/expired: 1 error, 0 warnings`);
    expect(runs.expiredGithub.code).toBe(1);
    expect(runs.expiredGithub.stdout).toMatch(
      new RegExp(`^::error file=${F}/expired/checkout-v2.json,line=2,title=expired::${message.source}\n$`),
    );
    expect(runs.expiredJson.code).toBe(1);
    const json = JSON.parse(runs.expiredJson.stdout);
    expect(json.summary).toEqual({ errors: 1, warnings: 0 });
    expect(json.problems[0]).toMatchObject({ severity: 'error', rule: 'expired', key: 'checkout.v2', line: 2 });
  });

  it('passes warnings only, and fails them under --strict', () => {
    expect(runs.warnings.code).toBe(0);
    const rules = [...runs.warnings.stdout.matchAll(/warning \[([a-z-]+)\]/g)].map((m) => m[1]).sort();
    expect(rules).toEqual(['default-not-off', 'expiry-horizon', 'max-age', 'missing-ticket', 'off-variation']);
    // The per-kind limit of switchyard.config.json at the tree's root; the file itself is not an entry.
    expect(runs.warnings.stdout).toMatch(/older than the 30 days allowed for an experiment flag/);
    expect(runs.warnings.stdout).not.toContain('switchyard.config.json');
    expect(runs.warningsStrict.code).toBe(1);
    expect(runs.warningsStrict.stdout).toContain('5 errors, 0 warnings');
    // The config file's per-kind limit wins over --max-age-days for the kinds it names.
    expect(runs.warningsLongMaxAge.stdout).toContain('the 30 days allowed');
  });

  it('reports a typo key in code and a flag no code reads, with file and line', () => {
    expect(runs.code.code).toBe(1);
    expect(runs.code.stdout.split('\n')).toEqual([
      `${F}/code/flags/flags.json:25: warning [unreferenced-flag] legacy.banner: no code references this flag; ready to remove`,
      `${F}/code/src/checkout.ts:8: error [unknown-flag-reference] "checkout.kill-swtich" is not a flag; did you mean "checkout.kill-switch"?`,
      `${F}/code/flags: 1 error, 1 warning`,
      '',
    ]);
    expect(JSON.parse(runs.codeJson.stdout).summary).toEqual({ errors: 1, warnings: 1 });
  });

  it('finds keys in other languages with --code-pattern, annotated for GitHub', () => {
    expect(runs.codeGithub).toMatchObject({
      code: 1,
      stdout: `::error file=${F}/code/src/checkout.ts,line=8,title=unknown-flag-reference::"checkout.kill-swtich" is not a flag; did you mean "checkout.kill-switch"?\n`,
    });
  });

  it('skips node_modules when scanning code', () => {
    expect(scratchRuns.skipped.code).toBe(0);
    expect(scratchRuns.skipped.stdout).not.toContain('not.a.flag');
  });

  it('reports a file that is not JSON as an error of that file', () => {
    expect(scratchRuns.badJson.code).toBe(1);
    expect(scratchRuns.badJson.stdout).toContain(`${join(scratch, 'flags/broken.json')}:1: error [parse]`);
  });

  it('exits 2 with one line on bad options', () => {
    const oneLine = (run: Run) => ({ code: run.code, lines: run.stderr.trim().split('\n').length, stdout: run.stdout });
    for (const run of [runs.badFormat, runs.badAge, runs.badPattern, runs.unknownOption, runs.missingPath])
      expect(oneLine(run)).toEqual({ code: 2, lines: 1, stdout: '' });
    expect(runs.badFormat.stderr).toBe('error: --format must be one of text, json, github, got "xml"\n');
    expect(runs.badAge.stderr).toContain('--max-age-days must be a positive whole number, got "soon"');
    expect(runs.badPattern.stderr).toContain('must have exactly one capture group (the flag key), it has 2');
    expect(runs.unknownOption.stderr).toContain("unknown option '--colour'");
    expect(runs.missingPath.stderr).toContain('nowhere: no such file or directory');
    expect(scratchRuns.badConfig).toMatchObject({ code: 2 });
    expect(scratchRuns.badConfig.stderr).toContain('switchyard.config.json: maxAgeDays.beta: unknown flag kind');
  });
});
