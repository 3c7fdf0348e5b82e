import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * What `npm run build` compiles is the product: no tests, fixtures or benchmarks in it, and
 * every entry point package.json exports is a file the build produces.
 */
const root = resolve(import.meta.dirname, '..');

function productSources(): string[] {
  const configPath = resolve(root, 'tsconfig.build.json');
  const { config } = ts.readConfigFile(configPath, (path) => readFileSync(path, 'utf8'));
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, root, undefined, configPath);
  return parsed.fileNames.map((file) => relative(root, file).replaceAll('\\', '/')).sort();
}

describe('the product build', () => {
  const sources = productSources();

  it('compiles the product directories', () => {
    expect(sources).toEqual(
      expect.arrayContaining(['provider/index.ts', 'evaluator/index.ts', 'storage/snapshot-reader.ts', 'cli/main.ts']),
    );
  });

  it('compiles no test, fixture or benchmark file', () => {
    const testish = sources.filter((file) =>
      /\.test\.ts$|(^|\/)(test|bench|__fixtures__)\/|(^|\/)test[-_]|fixture/i.test(file),
    );
    expect(testish).toEqual([]);
  });

  it('compiles no file that imports test code or a test runner', () => {
    const importsTests = sources.filter((file) => {
      const text = readFileSync(resolve(root, file), 'utf8');
      return /from '(vitest|fast-check|@temporalio\/testing)'|from '(\.\.\/)+test\//.test(text);
    });
    expect(importsTests).toEqual([]);
  });

  it('exports only entry points the build produces', () => {
    const { exports } = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as {
      exports: Record<string, string>;
    };
    const missing = Object.entries(exports)
      .filter(([, target]) => target.startsWith('./dist/'))
      .filter(([, target]) => !sources.includes(target.slice('./dist/'.length).replace(/\.js$/, '.ts')));
    expect(missing).toEqual([]);
  });
});
