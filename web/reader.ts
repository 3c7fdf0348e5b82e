import { liveReadScope } from '../bot/read-scope.js';
import { ForbiddenError } from '../core/errors.js';
import { readRefusal, readsAnything, type DataScope, type ReadScope } from '../core/read-access.js';
import type { ApiDeps, Caller } from './api-deps.js';

/**
 * What the caller may read now, from its live bindings (core/read-access.ts), refused with a 403
 * naming the missing scope when that is nothing: every read route starts here, then refuses a
 * place the scope does not cover and keeps of a list only what it covers. `asked`: the place the
 * request names (`?env=`), so the refusal says which scope is missing.
 */
export async function readerOf(deps: ApiDeps, caller: Caller, asked?: DataScope): Promise<ReadScope> {
  const scope = await liveReadScope(deps, caller.principal);
  if (!readsAnything(scope)) throw new ForbiddenError(readRefusal(scope, asked));
  return scope;
}
