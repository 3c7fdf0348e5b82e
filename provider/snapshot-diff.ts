import type { EnvSnapshot } from '../core/snapshot.js';

/** Keys of flags added, removed or edited between two snapshots, for ConfigurationChanged's `flagsChanged`. */
export function changedFlagKeys(before: EnvSnapshot, after: EnvSnapshot): string[] {
  const changed: string[] = [];
  for (const [key, flag] of Object.entries(after.flags)) {
    const old = before.flags[key];
    if (old === undefined || JSON.stringify(old) !== JSON.stringify(flag)) changed.push(key);
  }
  for (const key of Object.keys(before.flags)) if (!(key in after.flags)) changed.push(key);
  return changed.sort();
}
