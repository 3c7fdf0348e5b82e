import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

// The house rules of docs/architecture.md that no compiler checks: small files, and a repository
// that cites only itself.
const ROOT = join(import.meta.dirname, '..');
const PRODUCT_DIRS = [
  'core',
  'storage',
  'evaluator',
  'provider',
  'activities',
  'workflows',
  'render',
  'bot',
  'web',
  'cli',
];
// Counted as Prettier lays the code out (120 columns, see .prettierrc.json).
const MAX_LINES = 250;

function sourceFiles(dir: string, pattern = /\.(ts|tsx)$/): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path, pattern));
    else if (pattern.test(name)) out.push(path);
  }
  return out;
}

// A generated file (`@generated` in its header, written by a script and kept current by a test, e.g.
// web/console/src/api-types.ts) is as long as what it describes: the size rule is for files people write.
const isGenerated = (file: string) => readFileSync(file, 'utf8').slice(0, 500).includes('@generated');
const product = PRODUCT_DIRS.flatMap((dir) => sourceFiles(join(ROOT, dir))).filter(
  (file) => !/\.test\.tsx?$/.test(file),
);

describe('the house', () => {
  it(`keeps every product source file under ${MAX_LINES} lines`, () => {
    const long = product
      .filter((file) => !isGenerated(file))
      .map((file) => ({ file: relative(ROOT, file), lines: readFileSync(file, 'utf8').split('\n').length }))
      .filter(({ lines }) => lines > MAX_LINES);
    expect(long).toEqual([]);
  });

  it('decides production from configuration, never from the name of an environment', () => {
    // Which environments exist and which are production are settings (core/policy.ts): no product
    // code or message names one, quoted in any way (a doc comment's example may).
    const literal = /(['"`])production\1/;
    const named = product.flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line, i) =>
          literal.test(line) && !/^\s*(\/?\*|\/\/)/.test(line) ? [`${relative(ROOT, file)}:${i + 1}`] : [],
        ),
    );
    expect(named).toEqual([]);
  });

  it('cites only documents inside the repository', () => {
    // A citation is a section sign (how outside contracts are quoted) or the name of a markdown file this repository does not hold.
    const documents = new Set([...sourceFiles(ROOT, /\.md$/)].map((file) => file.split('/').pop()!));
    const citesOutside = (line: string) =>
      line.includes('\u00a7') ||
      [...line.matchAll(/\b([A-Z][A-Z0-9-]*\.md)\b/g)].some(([, name]) => !documents.has(name!));
    const everything = [...PRODUCT_DIRS, 'test', 'bench'].flatMap((dir) => sourceFiles(join(ROOT, dir)));
    const outside = everything.flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line, i) => (citesOutside(line) ? [`${relative(ROOT, file)}:${i + 1}`] : [])),
    );
    expect(outside).toEqual([]);
  });
});
