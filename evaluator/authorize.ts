import { sdkKeyKind } from '../core/sdk-key.js';
import type { SdkKeyRecord } from '../storage/redis-keys.js';
import { allowKeyOrigin } from './cors.js';
import type { ReplyLike, RequestLike } from './http-like.js';
import type { SnapshotStore } from './snapshot-store.js';

export type Scope = SdkKeyRecord['scopes'][number];

export interface AuthorizeOptions {
  /**
   * The route family, e.g. `/v1/secrets`: refusals then carry a JSON body saying what is wrong
   * (Switchyard's own routes). Unset for OFREP, whose protocol wants 401 and 403 without a body.
   */
  explain?: string;
}

/**
 * The only routes a client key may use (docs/design.md#evaluator): OFREP evaluation answers one
 * context at a time, while every other route serves what a page must not see (the snapshot's rules,
 * user-override and tenant ids; config values; secrets). Matched on the declared route path, so a
 * route added later is closed to client keys until it is listed here.
 */
const CLIENT_KEY_ROUTES = /^\/ofrep\//;

/**
 * The SDK key of `Authorization: Bearer <key>`, or undefined after answering 401 (missing,
 * unknown, revoked or expired key) or 403 (a client key outside OFREP, or a key without `scope`).
 * A browser origin the key allows gets its CORS headers, the 403 included, so the page can read why.
 */
export function authorize(
  store: Pick<SnapshotStore, 'findSdkKey'>,
  request: Pick<RequestLike, 'headers' | 'url' | 'routeOptions'>,
  reply: ReplyLike,
  scope: Scope,
  options: AuthorizeOptions = {},
): SdkKeyRecord | undefined {
  const header = request.headers.authorization;
  const token =
    header !== undefined && header.length > 7 && header.slice(0, 7).toLowerCase() === 'bearer '
      ? header.slice(7).trim()
      : '';
  const record = token === '' ? undefined : store.findSdkKey(token);
  if (!record) {
    reply.code(401).header('www-authenticate', 'Bearer');
    if (options.explain === undefined) reply.send();
    else {
      reply.send({
        errorCode: 'UNAUTHORIZED',
        errorDetails:
          token === ''
            ? 'no SDK key: send the header Authorization: Bearer <key> (switchyard key create --env <env> prints one)'
            : 'this SDK key is unknown, revoked, or past the grace period of a rotation: use a live key (switchyard key list shows them)',
      });
    }
    return undefined;
  }
  allowKeyOrigin(request, reply, record);
  const route = request.routeOptions.url ?? request.url;
  if (sdkKeyKind(record) === 'client' && !CLIENT_KEY_ROUTES.test(route)) {
    // Always explained: only Switchyard's own routes get here, never OFREP's.
    reply.code(403).send({
      errorCode: 'FORBIDDEN',
      keyKind: 'client',
      errorDetails:
        `a client key (bound to browser origins) may only evaluate flags over OFREP; use a server key for ${options.explain ?? route}: ` +
        `SDK key ${record.id} ("${record.name}") is bound to ${record.origins?.join(', ')}; ` +
        `create one without --origin (switchyard key create --env ${record.env} --scopes ${scope})`,
    });
    return undefined;
  }
  if (!record.scopes.includes(scope)) {
    reply.code(403);
    if (options.explain === undefined) reply.send();
    else {
      reply.send({
        errorCode: 'FORBIDDEN',
        missingScope: scope,
        errorDetails:
          `SDK key ${record.id} ("${record.name}") has the scope(s) ${record.scopes.join(', ')}, not ${scope}, which ${options.explain} needs: ` +
          `use a key created with --scopes ${scope} (switchyard key create --env ${record.env} --scopes ${scope})`,
      });
    }
    return undefined;
  }
  return record;
}
