import { describe, expect, it } from 'vitest';
import {
  closestKey,
  compileCodePattern,
  DEFAULT_CODE_PATTERNS,
  editDistance,
  findFlagReferences,
  lintReferences,
} from './code-references.js';

describe('findFlagReferences', () => {
  it('finds keys passed first to OpenFeature getters and flag hooks, with their lines', () => {
    const source = [
      "const a = await client.getBooleanValue('a.flag', false);",
      'const b = client?.getStringDetails("b.flag", "x");',
      "const c = client.getNumberValue(`c.flag`, 1); const d = client.getObjectValue('d.flag', {});",
      "const e = useFlag('e.flag');",
      'const f = useBooleanFlagValue(',
      "  'f.flag', false);",
      'const g = useFlag(`${area}.flag`); // not a fixed key',
      "const h = getBooleanValue('h.flag'); // no client: not OpenFeature",
      "const i = client.getBooleanValue(key, false); const j = usePrefetch('j');",
    ].join('\n');
    expect(findFlagReferences(source, 'app.ts', DEFAULT_CODE_PATTERNS)).toEqual([
      { key: 'a.flag', file: 'app.ts', line: 1 },
      { key: 'b.flag', file: 'app.ts', line: 2 },
      { key: 'c.flag', file: 'app.ts', line: 3 },
      { key: 'd.flag', file: 'app.ts', line: 3 },
      { key: 'e.flag', file: 'app.ts', line: 4 },
      { key: 'f.flag', file: 'app.ts', line: 5 },
    ]);
  });

  it('uses a custom pattern’s one capture group as the key', () => {
    const pattern = compileCodePattern(String.raw`is_enabled\("([^"]+)"\)`);
    expect(findFlagReferences('x\nif is_enabled("py.flag"):', 'a.py', [pattern])).toEqual([
      { key: 'py.flag', file: 'a.py', line: 2 },
    ]);
  });
});

describe('compileCodePattern', () => {
  it('refuses a pattern that does not compile or has other than one capture group, saying why', () => {
    expect(() => compileCodePattern('(')).toThrow(/not a valid regular expression/);
    expect(() => compileCodePattern('flag')).toThrow(/exactly one capture group .* it has 0/);
    expect(() => compileCodePattern('(a)(b)')).toThrow(/it has 2/);
    expect(compileCodePattern('(?:x)(y)').flags).toContain('g');
  });
});

describe('closestKey', () => {
  it('suggests the nearest flag key within a typo’s distance, else nothing', () => {
    const keys = ['checkout.kill-switch', 'search.fallback', 'checkout.v2'];
    expect(closestKey('checkout.kill-swtich', keys)).toBe('checkout.kill-switch');
    expect(closestKey('search.falback', keys)).toBe('search.fallback');
    expect(closestKey('billing.invoices', keys)).toBeUndefined();
    expect(editDistance('kitten', 'sitting', 5)).toBe(3);
    expect(editDistance('kitten', 'sitting', 1)).toBe(2);
  });
});

describe('editDistance', () => {
  const naive = (a: string, b: string): number => {
    let row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      const next = [i];
      for (let j = 1; j <= b.length; j++)
        next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      row = next;
    }
    return row[b.length]!;
  };
  it('agrees with the unbounded distance wherever that is within the limit', () => {
    // Deterministic pseudo-random keys over a small alphabet, so near misses are common.
    let seed = 7;
    const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    const word = () =>
      Array.from({ length: 1 + Math.floor(random() * 12) }, () => 'abc.-'[Math.floor(random() * 5)]).join('');
    for (let n = 0; n < 2000; n++) {
      const [a, b, limit] = [word(), word(), Math.floor(random() * 4)];
      const exact = naive(a, b);
      expect(editDistance(a, b, limit), `${a} / ${b} within ${limit}`).toBe(exact <= limit ? exact : limit + 1);
    }
  });
});

describe('lintReferences', () => {
  it('warns about flags no code reads and fails keys that are no flag, config keys excepted', () => {
    const flags = new Map([
      ['used', { file: 'flags.json', line: 3 }],
      ['unused', { file: 'flags.json', line: 9 }],
    ]);
    const problems = lintReferences(flags, new Set(['page-size']), [
      { key: 'used', file: 'a.ts', line: 1 },
      { key: 'usd', file: 'a.ts', line: 2 },
      { key: 'page-size', file: 'a.ts', line: 3 },
    ]);
    expect(problems).toEqual([
      {
        severity: 'warning',
        rule: 'unreferenced-flag',
        message: 'unused: no code references this flag; ready to remove',
        key: 'unused',
        file: 'flags.json',
        line: 9,
      },
      {
        severity: 'error',
        rule: 'unknown-flag-reference',
        message: '"usd" is not a flag; did you mean "used"?',
        key: 'usd',
        file: 'a.ts',
        line: 2,
      },
    ]);
  });
});
