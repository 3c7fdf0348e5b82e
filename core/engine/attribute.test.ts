import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileAttributePath, compileKeyReader } from './attribute.js';
import type { EvaluationContext } from './types.js';

/** Seeded: a failure prints its seed and path; replay with FC_SEED=<seed>. */
const SEED = Number(process.env.FC_SEED ?? 20_261_202);
const RUNS = Number(process.env.FC_RUNS ?? 300);

/** The documented lookup, written plainly: walk the dotted path; if that finds nothing, try the flat key. */
function reference(context: EvaluationContext, path: string): unknown {
  let current: unknown = context;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object') return context[path];
    current = (current as Record<string, unknown>)[part];
  }
  return current === undefined ? context[path] : current;
}

// Names a path could hold, quotes, backslashes and brackets included: they must read, never run.
const NAMES = [
  'a',
  'b',
  'user',
  'email',
  '0',
  '"',
  "'",
  '\\',
  '`${x}`',
  ']',
  'x"]);throw 1;//',
  'constructor',
  '\u2028',
];
const name = fc.constantFrom(...NAMES);
const leaf = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.integer(),
  fc.string({ maxLength: 3 }),
  fc.boolean(),
);
const value = fc.letrec<{ node: unknown }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small' },
    leaf,
    fc.dictionary(name, tie('node'), { maxKeys: 3 }),
    fc.array(tie('node'), { maxLength: 2 }),
  ),
})).node;
const others = fc.dictionary(name, value, { maxKeys: 3 });

/** A path, and a context that holds it to some depth (then anything), maybe with the flat key too. */
const pathAndContext = fc
  .tuple(
    fc.array(name, { minLength: 1, maxLength: 8 }),
    fc.nat(8),
    value,
    others,
    fc.option(leaf, { nil: undefined }),
    fc.boolean(),
  )
  .map(([parts, depth, end, siblings, flat, hasFlat]) => {
    const p = parts.join('.');
    let inner: unknown = end;
    for (let i = Math.min(depth, parts.length) - 1; i >= 0; i--) inner = { [parts[i]!]: inner };
    const context = { ...siblings, ...(inner !== null && typeof inner === 'object' ? inner : {}) } as EvaluationContext;
    if (hasFlat) context[p] = flat;
    return { p, context };
  });

describe('attribute paths', () => {
  it('read exactly what the plain walk reads, for any path and context', () => {
    fc.assert(
      fc.property(pathAndContext, ({ p, context }) => {
        expect(compileAttributePath(p)(context)).toBe(reference(context, p));
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('treat a path as names only: one spelled like code reads that key and runs nothing', () => {
    const hostile = 'x"]);globalThis["attributeInjected"]=1;//';
    expect(compileAttributePath(hostile)({ [hostile]: 'plain value' })).toBe('plain value');
    expect(compileAttributePath(`${hostile}.y`)({ [hostile]: { y: 2 } })).toBe(2);
    expect((globalThis as Record<string, unknown>).attributeInjected).toBeUndefined();
  });

  it('read a key attribute as a string, numbers in decimal, empty or other types as missing', () => {
    const read = compileKeyReader('tenant.id');
    expect(read({ tenant: { id: 'acme' } })).toBe('acme');
    expect(read({ tenant: { id: 42 } })).toBe('42');
    expect(read({ tenant: { id: '' } })).toBeUndefined();
    expect(read({ tenant: { id: Number.NaN } })).toBeUndefined();
    expect(read({ 'tenant.id': 'flat' })).toBe('flat');
  });

  it('still read where the runtime forbids generating code', () => {
    const attribute = fileURLToPath(new URL('./attribute.ts', import.meta.url));
    const script = `
      const { compileAttributePath } = await import(${JSON.stringify(attribute)});
      let generation = 'allowed';
      try { new Function(''); } catch { generation = 'forbidden'; }
      const read = compileAttributePath('user.email');
      console.log(JSON.stringify([generation, read({ user: { email: 'a@b' } }), read({ 'user.email': 'flat' }), compileAttributePath('env')({ env: 'dev' })]));`;
    const out = execFileSync(
      process.execPath,
      ['--disallow-code-generation-from-strings', '--import', 'tsx', '--input-type=module', '-e', script],
      { encoding: 'utf8' },
    );
    expect(JSON.parse(out)).toEqual(['forbidden', 'a@b', 'flat', 'dev']);
  });
});
