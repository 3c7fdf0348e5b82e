import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { Logger } from '../core/logger.js';
import { emptySnapshot, type EnvSnapshot } from '../core/snapshot.js';
import type { RedisKeys, SdkKeyRecord } from '../storage/redis-keys.js';
import { authorize } from './authorize.js';
import { answerNotLoaded } from './ofrep-routes.js';
import type { SnapshotStore } from './snapshot-store.js';

export interface SnapshotRouteDeps {
  store: Pick<SnapshotStore, 'get' | 'findSdkKey'>;
  /** The evaluator's command connection: the store holds compiled snapshots only, the JSON is read from Redis once per version. */
  redis: Pick<Redis, 'get'>;
  keys: RedisKeys;
  log: Logger;
}

type Served = { version: number; snapshot: EnvSnapshot };

/** ETag of what a key is served: environment, version, and whether configs are in it (they depend on the key's scopes). */
function etagOf(env: string, version: number, withConfigs: boolean): string {
  return `"${env}-${version}${withConfigs ? '' : '-flags'}"`;
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
 * OpenFeature provider's evaluator source. Keys need the `flags` scope. The ETag names the
 * environment and version; a matching `If-None-Match` gets a 304 decided from memory, so the
 * provider's polling costs no Redis read. The JSON is read from Redis once per version and kept,
 * so a Redis outage still serves the version the evaluator holds.
 */
export function registerSnapshotRoutes(app: FastifyInstance, deps: SnapshotRouteDeps): void {
  const { store, redis, keys, log } = deps;
  const served = new Map<string, Served>();

  async function snapshotAt(env: string, version: number): Promise<Served | undefined> {
    const cached = served.get(env);
    if (cached && cached.version >= version) return cached;
    try {
      const json = await redis.get(keys.snapshot(env));
      if (json === null) return version === 0 ? { version: 0, snapshot: emptySnapshot(env) } : cached;
      const snapshot = JSON.parse(json) as EnvSnapshot;
      if (snapshot?.env !== env || typeof snapshot.version !== 'number') {
        log.error({ env }, 'snapshot route: the snapshot in redis is for another environment or has no version');
        return cached;
      }
      // Never step back: a concurrent request may already have kept a newer one.
      const latest = served.get(env);
      if (latest && latest.version >= snapshot.version) return latest;
      const next = { version: snapshot.version, snapshot };
      served.set(env, next);
      return next;
    } catch (err) {
      log.warn({ err: err instanceof Error ? err.message : String(err), env }, 'snapshot route: redis unreadable, serving the last snapshot read');
      return cached;
    }
  }

  app.get('/v1/snapshot', async (request, reply) => {
    const record = authorize(store, request, reply, 'flags');
    if (!record) return reply;
    const held = store.get(record.env);
    if (!held) return answerNotLoaded(reply, record.env);
    const withConfigs = record.scopes.includes('config');
    // Private: the body depends on the key's scopes; revalidated on every use.
    reply.header('cache-control', 'private, no-cache').header('vary', 'authorization');
    const heldEtag = etagOf(record.env, held.compiled.version, withConfigs);
    if (etagMatches(request.headers['if-none-match'], heldEtag)) return reply.code(304).header('etag', heldEtag).send();
    const found = await snapshotAt(record.env, held.compiled.version);
    if (!found) {
      return reply
        .code(503)
        .header('retry-after', '1')
        .send({ errorDetails: `the snapshot of "${record.env}" cannot be read from Redis right now; retry shortly` });
    }
    const etag = etagOf(record.env, found.version, withConfigs);
    return reply.header('etag', etag).send(viewFor(found.snapshot, record));
  });
}
