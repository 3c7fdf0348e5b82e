import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * `npx tsx bench/lint-tree.ts [flags] [sourceLines]`: times `switchyard lint --code` on a
 * generated tree (default 10,000 flag files and a 100,000-line TS source tree, the size the lint
 * command is meant to handle within 5 s in CI). Not part of `npm run bench`: it needs no services
 * and writes no report, it prints one line. The tree mixes what lint finds in real repositories:
 * expired and old flags, missing tickets, flags no code reads and keys that are no flag.
 */
const FLAGS = Number(process.argv[2] ?? 10_000);
const SOURCE_LINES = Number(process.argv[3] ?? 100_000);
const LINES_PER_FILE = 100;
const DAY_MS = 86_400_000;
const MAIN = fileURLToPath(new URL('../cli/main.ts', import.meta.url));

const root = mkdtempSync(join(tmpdir(), 'switchyard-lint-bench-'));
const now = Date.now();
const keyOf = (i: number) => `team-${i % 50}.feature-${i}`;
for (let i = 0; i < FLAGS; i++) {
  const dir = join(root, 'flags', `team-${i % 50}`);
  mkdirSync(dir, { recursive: true });
  const kind = (['release', 'ops', 'permission', 'experiment'] as const)[i % 4]!;
  const temporary = kind === 'release' || kind === 'experiment';
  const flag = {
    key: keyOf(i),
    kind,
    description: `Feature ${i}`,
    owner: `team-${i % 50}`,
    ...(temporary ? { expiry: new Date(now + ((i % 120) - 10) * DAY_MS).toISOString() } : {}),
    ...(temporary && i % 7 ? { ticket: `T-${i}` } : {}),
    createdAt: new Date(now - (i % 200) * DAY_MS).toISOString(),
    default: false,
    variations: [
      { id: 'off', value: false },
      { id: 'on', value: true },
    ],
    rules: [{ priority: 1, condition: { 'tenant.tier': { eq: 'enterprise' } }, action: { serve: 'on' } }],
  };
  writeFileSync(join(dir, `flag-${i}.json`), JSON.stringify(flag, null, 2));
}
for (let f = 0; f < SOURCE_LINES / LINES_PER_FILE; f++) {
  const dir = join(root, 'src', `module-${f % 40}`);
  mkdirSync(dir, { recursive: true });
  const lines = Array.from({ length: LINES_PER_FILE }, (_, l) => {
    // One line in five reads a flag; about one key in twenty is not a flag (5 % beyond the last).
    const i = (f * LINES_PER_FILE + l) % Math.round(FLAGS * 1.05);
    return l % 5 === 0
      ? `  const v${l} = await client.getBooleanValue('${keyOf(i)}', false);`
      : `  const x${l} = compute(${l}, "some text here", other.thing);`;
  });
  writeFileSync(join(dir, `file-${f}.ts`), lines.join('\n'));
}

const started = performance.now();
execFile(
  process.execPath,
  ['--import', 'tsx', MAIN, 'lint', join(root, 'flags'), '--code', join(root, 'src'), '--format', 'json'],
  { maxBuffer: 256 * 1024 * 1024 },
  (error, stdout, stderr) => {
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    rmSync(root, { recursive: true, force: true });
    const code = error ? Number((error as { code?: number }).code ?? 1) : 0;
    if (code > 1) {
      console.error(`lint failed (exit ${code}): ${stderr}`);
      process.exit(1);
    }
    const { summary } = JSON.parse(stdout) as { summary: { errors: number; warnings: number } };
    console.log(
      `lint of ${FLAGS} flag files and ${SOURCE_LINES} source lines: ${seconds} s (including CLI start-up), ${summary.errors} errors, ${summary.warnings} warnings`,
    );
  },
);
