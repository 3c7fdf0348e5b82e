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
// (`targetingKey`, `tenant.id`, …): one closure per path, not one per flag. Bounded, because
// paths come from flag documents and a long-running evaluator sees them change.
const MAX_SHARED_PATHS = 10_000;
const attributeReaders = new Map<string, AttributeReader>();
const keyReaders = new Map<string, (context: EvaluationContext) => string | undefined>();

function shared<T>(cache: Map<string, T>, path: string, build: (path: string) => T): T {
  let reader = cache.get(path);
  if (reader === undefined) {
    reader = build(path);
    if (cache.size < MAX_SHARED_PATHS) cache.set(path, reader);
  }
  return reader;
}

function buildAttributeReader(path: string): AttributeReader {
  const parts = path.split('.');
  if (parts.length === 1) return (context) => context[path];
  if (parts.length === 2) {
    const [a, b] = parts as [string, string];
    return (context) => {
      const outer = context[a];
      if (outer !== null && typeof outer === 'object') {
        const value = (outer as Record<string, unknown>)[b];
        if (value !== undefined) return value;
      }
      return context[path];
    };
  }
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
