import { isDeepStrictEqual } from 'node:util';

/** Changed paths, old → new. A missing side is null. Pure: could live in core. */
export type JsonDiff = Record<string, { old: unknown; new: unknown }>;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A compact diff for the audit log: objects are compared key by key (paths joined with "."),
 * arrays and scalars as whole values, so a rule edit shows the rules list before and after.
 */
export function jsonDiff(before: unknown, after: unknown, path = ''): JsonDiff {
  if (isObject(before) && isObject(after)) {
    const diff: JsonDiff = {};
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    for (const key of keys) Object.assign(diff, jsonDiff(before[key], after[key], path ? `${path}.${key}` : key));
    return diff;
  }
  if (isDeepStrictEqual(before, after)) return {};
  return { [path || '(document)']: { old: before ?? null, new: after ?? null } };
}
