import { ValidationError } from '../core/errors.js';
import type { Queryable } from './db.js';

export interface Environment {
  name: string;
  /** Risk order: lower is less risky. */
  position: number;
  snapshotVersion: number;
}

export async function listEnvironments(db: Queryable): Promise<Environment[]> {
  const { rows } = await db.query('SELECT name, position, snapshot_version FROM environments ORDER BY position, name');
  return rows.map((r) => ({ name: r.name, position: Number(r.position), snapshotVersion: Number(r.snapshot_version) }));
}

/**
 * Makes the configured environments (settings ENVIRONMENTS, in risk order) known, adding missing
 * ones and re-ordering by the list. Environments not in the list are kept: removing one is a
 * deliberate operation, not a side effect of a shorter setting.
 */
export async function ensureEnvironments(db: Queryable, names: string[]): Promise<void> {
  for (const [i, name] of names.entries()) {
    await db.query(
      'INSERT INTO environments (name, position) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET position = EXCLUDED.position',
      [name, (i + 1) * 10],
    );
  }
}

/** Throws a ValidationError naming the known environments when any of `names` is not one. */
export async function assertKnownEnvironments(
  db: Queryable,
  names: Iterable<string>,
  what = 'environment',
): Promise<void> {
  const wanted = [...new Set(names)];
  if (!wanted.length) return;
  checkKnownEnvironments(
    (await listEnvironments(db)).map((e) => e.name),
    wanted,
    what,
  );
}

/** The same check against environment names already read (`known`, in risk order). */
export function checkKnownEnvironments(known: readonly string[], names: Iterable<string>, what = 'environment'): void {
  const unknown = [...new Set(names)].filter((n) => !known.includes(n));
  if (unknown.length) {
    throw new ValidationError(
      `${what} ${unknown.map((u) => `"${u}"`).join(', ')} unknown: must be one of ${known.join(', ')}`,
    );
  }
}

/** Every environment's name, in risk order (what error messages list). */
export async function environmentNames(db: Queryable): Promise<string[]> {
  return (await listEnvironments(db)).map((e) => e.name);
}
