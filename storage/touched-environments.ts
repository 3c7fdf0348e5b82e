import { isDeepStrictEqual } from 'node:util';
import type { ChangeTarget } from '../core/change.js';
import type { ConfigEntry } from '../core/model/config-entry.js';
import type { FlagDocument } from '../core/model/flag.js';
import { configField, flagField, type EntryField } from './change-feed.js';
import { configForEnv, flagForEnv } from './env-view.js';

type Kind = ChangeTarget['kind'];

/** The entry as one environment serves it, as plain JSON values (what the entries hash holds, parsed). */
export function servedEntry(kind: Kind, document: unknown, env: string): unknown {
  return kind === 'flag' ? flagForEnv(document as FlagDocument, env) : configForEnv(document as ConfigEntry, env);
}

/** The hash field of an entry: `flag:<key>` or `config:<key>`. */
export const entryField = (kind: Kind, key: string): EntryField =>
  kind === 'flag' ? flagField(key) : configField(key);

// Stored documents come back from JSONB (keys reordered, no undefined members); a JSON round trip
// puts the new document on the same footing so only a real difference counts.
const plain = (value: unknown): unknown => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)));

/**
 * The environments whose served entry differs between two versions of a document, in the order
 * given: a global field touches all of them, one environment's state only that one. A create
 * (`before` undefined) touches every environment, since each one starts serving the entry.
 */
export function touchedEnvironments(kind: Kind, before: unknown, after: unknown, envs: readonly string[]): string[] {
  if (before === undefined) return [...envs];
  const old = plain(before);
  const next = plain(after);
  return envs.filter((env) => !isDeepStrictEqual(servedEntry(kind, old, env), servedEntry(kind, next, env)));
}
