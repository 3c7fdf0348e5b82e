import type { FastifyInstance } from 'fastify';
import type { EnvSnapshot } from '../core/snapshot.js';
import type { SdkKeyRecord } from '../storage/redis-keys.js';
import { authorize } from './authorize.js';
import { snapshotTag, type EtagSubject } from './bulk-etag.js';
import { answerNotLoaded } from './ofrep-routes.js';
import type { SnapshotStore } from './snapshot-store.js';

type Store = Pick<SnapshotStore, 'get' | 'findSdkKey'>;

/** ETag of what a key is served: environment, epoch, version, and whether configs are in it (they depend on the key's scopes). */
function etagOf(held: EtagSubject, withConfigs: boolean): string {
  return `"${snapshotTag(held)}${withConfigs ? '' : '-flags'}"`;
}

function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === etag);
}

/** What one key may see: flags always; configs only with the `config` scope; secrets never (they have their own route). */
function viewFor(snapshot: EnvSnapshot, record: SdkKeyRecord): EnvSnapshot {
  if (!record.scopes.includes('config')) return { ...snapshot, configs: {} };
  const configs = Object.fromEntries(Object.entries(snapshot.configs ?? {}).filter(([, entry]) => !entry?.secret));
  return { ...snapshot, configs };
}

/**
 * `GET /v1/snapshot`: the SDK key's environment as an EnvSnapshot, for the in-process
 * OpenFeature provider's evaluator source. Keys need the `flags` scope. The body is the snapshot
 * the store holds (the one it compiled), so it always matches the ETag, and a Redis outage still
 * serves it. The ETag names the environment, epoch and version; a matching `If-None-Match` gets a 304,
 * so the provider's polling costs no serialisation.
 */
export function registerSnapshotRoutes(app: FastifyInstance, store: Store): void {
  app.get('/v1/snapshot', (request, reply) => {
    const record = authorize(store, request, reply, 'flags');
    if (!record) return reply;
    const held = store.get(record.env);
    if (!held) return answerNotLoaded(reply, record.env);
    const withConfigs = record.scopes.includes('config');
    // Private: the body depends on the key's scopes; revalidated on every use.
    reply.header('cache-control', 'private, no-cache').header('vary', 'authorization');
    const etag = etagOf(held, withConfigs);
    if (etagMatches(request.headers['if-none-match'], etag)) return reply.code(304).header('etag', etag).send();
    return reply.header('etag', etag).send(viewFor(held.snapshot, record));
  });
}
