import { createHash } from 'node:crypto';

/**
 * A short digest of an evaluation context: same environment, snapshot and context give the same
 * bulk answers, so the ETag is this plus the snapshot. Event-stream tokens carry it, so a pushed
 * event names exactly the ETag the client's next bulk request is answered with.
 */
export function contextHashOf(context: unknown): string {
  return createHash('sha1').update(JSON.stringify(context)).digest('base64url').slice(0, 22);
}

/** A short, header-safe tag of a database epoch ('-' for a snapshot without one). */
export function epochTag(epoch: string | undefined): string {
  return epoch ? createHash('sha1').update(epoch).digest('base64url').slice(0, 8) : '-';
}

/** What names a held snapshot in an ETag: its environment, epoch and version. */
export interface EtagSubject {
  compiled: { env: string; version: number };
  snapshot: { epoch?: string | undefined };
}

// One per compiled snapshot (each version is its own object): the hot path hashes no epoch.
const prefixes = new WeakMap<object, string>();

/** `<env>-<epoch tag>-<version>` of a held snapshot: two databases' version 7 never share it. */
export function snapshotTag(held: EtagSubject): string {
  let prefix = prefixes.get(held.compiled);
  if (prefix === undefined) {
    prefix = `${held.compiled.env}-${epochTag(held.snapshot.epoch)}-${held.compiled.version}`;
    prefixes.set(held.compiled, prefix);
  }
  return prefix;
}

/** The bulk evaluation ETag (quoted, as sent in the header) for a held snapshot and a context digest. */
export function bulkEtag(held: EtagSubject, contextHash: string): string {
  return `"${snapshotTag(held)}-${contextHash}"`;
}
