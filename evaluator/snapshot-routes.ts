import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { authorize } from './authorize.js';
import { snapshotTag, type EtagSubject } from './bulk-etag.js';
import type { HeldSnapshot } from './held-snapshots.js';
import type { PackedEntries } from './packed-entries.js';
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

function* members(entries: PackedEntries): Generator<Buffer> {
  let first = true;
  for (const chunk of entries.chunks()) {
    if (!first) yield Buffer.from(',');
    first = false;
    yield chunk;
  }
}

/**
 * The held snapshot as an EnvSnapshot's JSON, written from the packed entries a bucket at a time:
 * no copy of the environment is built, whatever its size. What one key may see: flags always;
 * configs only with the `config` scope; secrets never (they have their own route, and are not in
 * `held.configs`).
 */
function* snapshotJson(held: HeldSnapshot, withConfigs: boolean): Generator<Buffer> {
  yield Buffer.from(`${JSON.stringify(held.snapshot).slice(0, -1)},"flags":{`);
  yield* members(held.flags);
  yield Buffer.from('},"configs":{');
  if (withConfigs) yield* members(held.configs);
  yield Buffer.from('}}');
}

/**
 * `GET /v1/snapshot`: the SDK key's environment as an EnvSnapshot, for the in-process
 * OpenFeature provider's evaluator source. Server keys only, with the `flags` scope: the snapshot
 * holds every rule and override, which a client key's page must not see. The body is written from
 * the entries the store holds with what it compiled, so it always matches the ETag, and a Redis
 * outage still serves it. The ETag names the environment, epoch and version; a matching `If-None-Match` gets a 304,
 * so the provider's polling costs no serialisation.
 */
export function registerSnapshotRoutes(app: FastifyInstance, store: Store): void {
  app.get('/v1/snapshot', (request, reply) => {
    const record = authorize(store, request, reply, 'flags', { explain: '/v1/snapshot' });
    if (!record) return reply;
    const held = store.get(record.env);
    if (!held) return answerNotLoaded(reply, record.env);
    const withConfigs = record.scopes.includes('config');
    // Private: the body depends on the key's scopes; revalidated on every use.
    reply.header('cache-control', 'private, no-cache').header('vary', 'authorization');
    const etag = etagOf(held, withConfigs);
    if (etagMatches(request.headers['if-none-match'], etag)) return reply.code(304).header('etag', etag).send();
    // Read from the held snapshot of this moment: a later swap holds new packs, so the body matches the ETag.
    return reply
      .header('etag', etag)
      .type('application/json; charset=utf-8')
      .send(Readable.from(snapshotJson(held, withConfigs), { objectMode: false }));
  });
}
