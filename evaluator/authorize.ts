import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SdkKeyRecord } from '../storage/redis-keys.js';
import type { SnapshotStore } from './snapshot-store.js';

export type Scope = SdkKeyRecord['scopes'][number];

/**
 * The SDK key of `Authorization: Bearer <key>`, or undefined after answering 401 (missing or
 * unknown key) or 403 (key without `scope`). OFREP wants both without a body.
 */
export function authorize(
  store: Pick<SnapshotStore, 'findSdkKey'>,
  request: FastifyRequest,
  reply: FastifyReply,
  scope: Scope,
): SdkKeyRecord | undefined {
  const header = request.headers.authorization;
  const token = header !== undefined && header.length > 7 && header.slice(0, 7).toLowerCase() === 'bearer ' ? header.slice(7).trim() : '';
  const record = token === '' ? undefined : store.findSdkKey(token);
  if (!record) {
    reply.code(401).header('www-authenticate', 'Bearer').send();
    return undefined;
  }
  if (!record.scopes.includes(scope)) {
    reply.code(403).send();
    return undefined;
  }
  return record;
}
