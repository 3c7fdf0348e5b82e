import { z } from 'zod';
import { NotFoundError, ValidationError } from '../../core/errors.js';
import { decideChange, reviewBreakGlass } from '../../bot/decisions.js';
import { changeWorkflowId, isBreakGlassWorkflow } from '../../bot/workflow-refs.js';
import { isNotFound, userMessageOf } from '../../bot/temporal-errors.js';
import { changeRequestStateQuery } from '../../workflows/contracts.js';
import type { ApiDeps } from '../api-deps.js';
import { apiRequestId, changeRequestState, outcomeOfState, quoted, runCommand } from '../command-outcome.js';
import { route } from '../route.js';
import { changeRequestStateSchema, idParam, limitQuery, outcomeSchema, reasonBody } from '../schemas.js';

/** `pending` is what waits for a person; the other filters are the workflow's own statuses. */
const STATUS_FILTERS = [
  'pending',
  'validating',
  'awaiting_approval',
  'approved',
  'applying',
  'applied',
  'rejected',
  'expired',
  'conflict',
  'refused',
  'failed',
] as const;

const listQuery = z.object({ status: z.enum(STATUS_FILTERS).optional(), limit: limitQuery(25, 100) }).strict();
const listed = changeRequestStateSchema.extend({ workflowId: z.string(), startedAt: z.string() });

async function listChangeRequests(deps: ApiDeps, filter: { status?: (typeof STATUS_FILTERS)[number]; limit: number }) {
  const wanted = filter.status === 'pending' ? 'awaiting_approval' : filter.status;
  // Pending requests are running workflows: asking visibility for those alone keeps the scan short.
  const running =
    filter.status === 'pending' || filter.status === 'awaiting_approval' ? ` AND ExecutionStatus = 'Running'` : '';
  const items: Array<z.infer<typeof listed>> = [];
  let scanned = 0;
  for await (const wf of deps.client.workflow.list({
    query: `WorkflowType = 'changeRequestWorkflow'${running}`,
    pageSize: 100,
  })) {
    if (++scanned > 1000 || items.length >= filter.limit) break;
    const state = await changeRequestState(deps, wf.workflowId);
    if (state && (!wanted || state.status === wanted))
      items.push({ ...state, workflowId: wf.workflowId, startedAt: wf.startTime.toISOString() });
  }
  return { changeRequests: items };
}

async function showChangeRequest(deps: ApiDeps, id: string) {
  const workflowId = changeWorkflowId(id);
  try {
    const state = await deps.client.workflow.getHandle(workflowId).query(changeRequestStateQuery);
    return { ...state, workflowId, diff: state.summary };
  } catch (err) {
    if (isNotFound(err))
      throw new NotFoundError(`there is no change request \`${id}\` (GET /api/v1/change-requests lists them)`);
    throw new ValidationError(`cannot read change request ${id}: ${userMessageOf(err)}`);
  }
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
    summary: 'Change requests, newest first; `status=pending` lists those waiting for a second person',
    tag: 'change-requests',
    query: listQuery,
    response: z.object({ changeRequests: z.array(listed) }),
    handle: ({ query }, { deps }) => listChangeRequests(deps, query),
  }),
  route({
    method: 'GET',
    path: '/api/v1/change-requests/:id',
    summary:
      'One change request: status, the change (old → new), classification and risk reasons, requester, decision, expiry',
    tag: 'change-requests',
    params: idParam,
    response: changeRequestStateSchema.extend({ workflowId: z.string(), diff: z.string().optional() }),
    handle: ({ params }, { deps }) => showChangeRequest(deps, params.id),
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
