import type { EvaluationContext } from './types.js';

export type AttributeReader = (context: EvaluationContext) => unknown;

/**
 * Compiles a dotted attribute path (`user.email`) into a reader of the evaluation context. The
 * path is split once here, never per call. When the nested walk finds nothing, a flat key spelled
 * exactly like the path (`{ "user.email": … }`) is accepted too: some SDKs flatten contexts.
 */
export function compileAttributePath(path: string): AttributeReader {
  return shared(attributeReaders, path, buildAttributeReader);
}

// Readers depend on the path alone, and every flag of every environment uses the same few paths
// (`targetingKey`, `tenant.id`, …): one reader per path, not one per flag. Bounded, because
// paths come from flag documents and a long-running evaluator sees them change.
const MAX_SHARED_PATHS = 10_000;
const attributeReaders = new Map<string, AttributeReader>();
const keyReaders = new Map<string, (context: EvaluationContext) => string | undefined>();

function shared<T>(cache: Map<string, T>, path: string, build: (path: string, kept: boolean) => T): T {
  let reader = cache.get(path);
  if (reader === undefined) {
    const kept = cache.size < MAX_SHARED_PATHS;
    reader = build(path, kept);
    if (kept) cache.set(path, reader);
  }
  return reader;
}

/** Deeper paths are rare; they take the generic walk rather than generated code. */
const MAX_GENERATED_DEPTH = 6;

function buildAttributeReader(path: string, kept: boolean): AttributeReader {
  const parts = path.split('.');
  if (kept && parts.length <= MAX_GENERATED_DEPTH) return generatedReader(path, parts) ?? walkingReader(path, parts);
  return walkingReader(path, parts);
}

/**
 * A reader whose property names are written into its code: each becomes a named property load
 * with an inline cache of its own, where a shared closure indexing by a variable name goes
 * megamorphic as soon as two paths pass through it (the bulk of an evaluation's cost). Names
 * enter the source only as JSON string literals, so no path can inject code. Where code
 * generation is disabled (`--disallow-code-generation-from-strings`), undefined: the caller walks.
 */
function generatedReader(path: string, parts: readonly string[]): AttributeReader | undefined {
  const key = (name: string) => `[${JSON.stringify(name)}]`;
  let body: string;
  if (parts.length === 1) {
    body = `return c${key(path)};`;
  } else {
    body = '';
    for (let i = 0; i < parts.length - 1; i++) {
      body += `const v${i} = ${i === 0 ? 'c' : `v${i - 1}`}${key(parts[i]!)}; if (v${i} === null || typeof v${i} !== 'object') return c${key(path)};\n`;
    }
    const last = parts.length - 1;
    body += `const v${last} = v${last - 1}${key(parts[last]!)}; return v${last} === undefined ? c${key(path)} : v${last};`;
  }
  try {
    return new Function('c', body) as AttributeReader;
  } catch {
    return undefined;
  }
}

function walkingReader(path: string, parts: readonly string[]): AttributeReader {
  if (parts.length === 1) return (context) => context[path];
  return (context) => {
    let current: unknown = context;
    for (let i = 0; i < parts.length; i++) {
      if (current === null || typeof current !== 'object') return context[path];
      current = (current as Record<string, unknown>)[parts[i]!];
    }
    return current === undefined ? context[path] : current;
  };
}

/**
 * Reads an attribute as a string key (tenant ids, stickiness values): strings as they are, finite
 * numbers in their decimal form; anything else, or an empty string, counts as missing.
 */
export function compileKeyReader(path: string): (context: EvaluationContext) => string | undefined {
  return shared(keyReaders, path, buildKeyReader);
}

function buildKeyReader(path: string): (context: EvaluationContext) => string | undefined {
  const read = compileAttributePath(path);
  return (context) => {
    const value = read(context);
    if (typeof value === 'string') return value === '' ? undefined : value;
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
    return undefined;
  };
}
