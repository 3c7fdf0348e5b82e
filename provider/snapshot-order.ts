/** What orders two snapshots of one environment: the version, within the epoch (database identity) it came from. */
export interface SnapshotMark {
  version: number;
  epoch?: string | undefined;
}

/**
 * Whether `next` should replace `held`: a newer version of the same epoch, or any version of
 * another epoch. A recreated or restored database starts its versions again, so a lower version
 * of a new epoch is a full reload, not a step back (docs/design.md#redis-snapshot-cache).
 */
export function supersedes(next: SnapshotMark, held: SnapshotMark | undefined): boolean {
  if (!held) return true;
  return next.epoch !== held.epoch || next.version > held.version;
}
