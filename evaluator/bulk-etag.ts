import { createHash } from 'node:crypto';

/**
 * A short digest of an evaluation context: same environment, snapshot and context give the same
 * bulk answers, so the ETag is this plus the snapshot. Event-stream tokens carry it, so a pushed
 * event names exactly the ETag the client's next bulk request is answered with.
 */
export function contextHashOf(context: unknown): string {
  return createHash('sha1').update(JSON.stringify(context)).digest('base64url').slice(0, 22);
}

/** The bulk evaluation ETag (quoted, as sent in the header) for a snapshot and a context digest. */
export function bulkEtag(env: string, version: number, contextHash: string): string {
  return `"${env}-${version}-${contextHash}"`;
}
