import semver, { type SemVer } from 'semver';
import { badOperand, type ValueTest } from './value-test.js';

/**
 * Accepts what the schema accepts (`v1`, `1.2`, `1.2.3-beta.1`): a full version parses as is,
 * a partial one is completed with zeros (`1.2` → `1.2.0`), keeping any pre-release tag.
 */
function parseVersion(text: string): SemVer | null {
  return semver.parse(text, { loose: true }) ?? semver.coerce(text, { includePrerelease: true });
}

// App versions have few distinct values, so parsed versions are remembered instead of re-parsed
// on every evaluation; the cache is dropped whole when it grows, which bounds memory simply.
const MAX_CACHED = 10_000;
const cache = new Map<string, SemVer | null>();

function cachedVersion(text: string): SemVer | null {
  let parsed = cache.get(text);
  if (parsed === undefined) {
    if (cache.size >= MAX_CACHED) cache.clear();
    parsed = text.length <= 256 ? parseVersion(text) : null;
    cache.set(text, parsed);
  }
  return parsed;
}

function compileComparison(operator: string, accept: (order: number) => boolean) {
  return (operand: unknown): ValueTest => {
    const bound = typeof operand === 'string' ? parseVersion(operand) : null;
    if (!bound) throw badOperand(operator, 'a semantic version like 1.2.3', operand);
    return (value) => {
      if (typeof value !== 'string') return false;
      const version = cachedVersion(value);
      return version !== null && accept(version.compare(bound));
    };
  };
}

export const compileSemverGt = compileComparison('semverGt', (order) => order > 0);
export const compileSemverGte = compileComparison('semverGte', (order) => order >= 0);
export const compileSemverLt = compileComparison('semverLt', (order) => order < 0);
export const compileSemverLte = compileComparison('semverLte', (order) => order <= 0);
