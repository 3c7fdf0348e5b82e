import { z } from 'zod';
import { NotFoundError, ValidationError } from '../../core/errors.js';
import { assertCanReadAll, canReadAll, type ReadScope } from '../../core/read-access.js';
import { decideChange, reviewBreakGlass } from '../../bot/decisions.js';
import { changeWorkflowId, isBreakGlassWorkflow } from '../../bot/workflow-refs.js';
import { isNotFound, userMessageOf } from '../../bot/temporal-errors.js';
import { changeRequestStateQuery } from '../../workflows/contracts.js';
import type { ApiDeps } from '../api-deps.js';
import { changeRequestListQuery, changeRequestPageSchema, listChangeRequests } from '../change-request-list.js';
import { apiRequestId, changeRequestState, outcomeOfState, quoted, runCommand } from '../command-outcome.js';
import { readerOf } from '../reader.js';
import { route } from '../route.js';
import { changeRequestStateSchema, idParam, outcomeSchema, reasonBody } from '../schemas.js';

/** One change request, refused unless the caller covers every place it reaches (one not yet planned: every environment). */
async function showChangeRequest(deps: ApiDeps, scope: ReadScope, id: string) {
  const workflowId = changeWorkflowId(id);
  const state = await deps.client.workflow
    .getHandle(workflowId)
    .query(changeRequestStateQuery)
    .catch((err: unknown) => {
      if (isNotFound(err))
        throw new NotFoundError(`there is no change request \`${id}\` (GET /api/v1/change-requests lists them)`);
      throw new ValidationError(`cannot read change request ${id}: ${userMessageOf(err)}`);
    });
  assertCanReadAll(scope, state.reach ?? [{}]);
  return { ...state, workflowId, diff: state.summary };
}

/**
 * Approve or reject through the workflow's own update, exactly as a button click does. A refusal
 * arrives as the error of its kind (ForbiddenError for no right to decide, ConflictError for a
 * request already decided, NotFoundError), which the error shape answers as 403, 409 or 404.
 */
async function decide(deps: ApiDeps, id: string, user: string, approve: boolean, reason?: string) {
  const workflowId = changeWorkflowId(id);
  if (isBreakGlassWorkflow(workflowId)) {
    if (!approve)
      throw new ValidationError(
        'a break-glass change is already applied: approve reviews it; to undo it, request the old state again',
      );
    return { status: 'reviewed', changeRequestId: id, ...(await reviewBreakGlass(deps.client, workflowId, { user })) };
  }
  const message = await decideChange(deps.client, workflowId, { approve, user, reason });
  return outcomeOfState(await changeRequestState(deps, workflowId), message, id);
}

export const changeRequestRoutes = [
  route({
    method: 'GET',
    path: '/api/v1/change-requests',
    summary:
      'Change requests, newest first, a page at a time (`limit`, then `cursor` = the last `nextCursor`); `status=pending` lists those waiting for a second person; only requests the caller covers every place of, so a page may hold fewer than `limit`',
    tag: 'change-requests',
    query: changeRequestListQuery,
    response: changeRequestPageSchema,
    handle: async ({ query, caller }, { deps }) => {
      const scope = await readerOf(deps, caller);
      const page = await listChangeRequests(deps, query);
      // Of a page, only the requests the caller covers every place of; the cursor pages on regardless.
      return { ...page, changeRequests: page.changeRequests.filter((c) => canReadAll(scope, c.reach ?? [{}])) };
    },
  }),
  route({
    method: 'GET',
    path: '/api/v1/change-requests/:id',
    summary:
      'One change request: status, the change (old → new), classification and risk reasons, requester, decision, expiry',
    tag: 'change-requests',
    params: idParam,
    response: changeRequestStateSchema.extend({ workflowId: z.string(), diff: z.string().optional() }),
    handle: async ({ params, caller }, { deps }) => showChangeRequest(deps, await readerOf(deps, caller), params.id),
  }),
  route({
    method: 'POST',
    path: '/api/v1/change-requests/:id/approve',
    summary: 'Approve as the caller (never the requester: 403 with the reason); answers once the change is applied',
    tag: 'change-requests',
    params: idParam,
    response: outcomeSchema,
    handle: ({ params, caller }, { deps }) => decide(deps, params.id, caller.principal, true),
  }),
  route({
    method: 'POST',
    path: '/api/v1/change-requests/:id/reject',
    summary: 'Reject as the caller, with a reason',
    tag: 'change-requests',
    params: idParam,
    body: reasonBody,
    response: outcomeSchema,
    handle: ({ params, body, caller }, { deps }) => decide(deps, params.id, caller.principal, false, body.reason),
  }),
  route({
    method: 'POST',
    path: '/api/v1/change-requests/:id/revert',
    summary: 'Request the undo of an applied change: a new change request, classified and approved like any other',
    tag: 'change-requests',
    params: idParam,
    body: reasonBody.extend({
      requestId: z
        .string()
        .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/)
        .optional(),
    }),
    response: outcomeSchema,
    handle: ({ params, body, caller }, { deps }) =>
      runCommand(
        deps,
        caller.principal,
        `/change revert ${params.id} --reason ${quoted(body.reason)}`,
        apiRequestId(body.requestId),
      ),
  }),
];
