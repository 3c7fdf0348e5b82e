import { createHash } from 'node:crypto';
import { isGrpcServiceError } from '@temporalio/client';
import { optionalTsToDate } from '@temporalio/common/lib/time.js';
import proto from '@temporalio/proto';
import { z } from 'zod';
import { ValidationError } from '../core/errors.js';
import { changeRequestStateQuery, type ChangeRequestState } from '../workflows/contracts.js';
import type { ApiDeps } from './api-deps.js';
import { changeRequestStateSchema, limitQuery } from './schemas.js';

// A CommonJS module whose namespace node's ESM loader cannot list: read through its default export.
const { WorkflowExecutionStatus } = proto.temporal.api.enums.v1;

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
type StatusFilter = (typeof STATUS_FILTERS)[number];

/** Statuses a change request holds while its workflow still runs; every other one ends it. */
const WHILE_RUNNING: ReadonlySet<StatusFilter> = new Set([
  'pending',
  'validating',
  'awaiting_approval',
  'approved',
  'applying',
]);

/** How many workflows of one page are described at once: a page never floods the frontend or the worker. */
const DESCRIBE_CONCURRENCY = 8;

export const changeRequestListQuery = z
  .object({
    status: z.enum(STATUS_FILTERS).optional(),
    limit: limitQuery(50, 200).describe('workflows per page (at most 200)'),
    cursor: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,4096}$/, 'must be the nextCursor of a page this API returned')
      .optional()
      .describe('the nextCursor of the previous page'),
  })
  .strict();

const listed = changeRequestStateSchema.extend({ workflowId: z.string(), startedAt: z.string() });
export const changeRequestPageSchema = z.object({
  changeRequests: z.array(listed),
  nextCursor: z
    .string()
    .optional()
    .describe('set when more requests may follow: pass it as `cursor`; a filtered page may hold fewer than `limit`'),
});
type Listed = z.infer<typeof listed>;

const CHECK_BYTES = 8;
const BAD_CURSOR =
  'query cursor: is not the nextCursor of a page this API returned for these filters (start again without cursor)';
const checkOf = (query: string, token: Uint8Array) =>
  createHash('sha256').update(query).update(token).digest().subarray(0, CHECK_BYTES);

/**
 * A cursor is Temporal's page token with a check of it and of the query it pages through: a cursor
 * that was mistyped, cut short or made up, or is passed with other filters, is a 400 at once. (The
 * dev server answers a bad token only after the client's retries, with an unhelpful UNKNOWN.) It is
 * no secret and holds no key, so any instance of the API takes any other's cursor.
 */
const cursorOf = (query: string, token: Uint8Array) =>
  Buffer.concat([token, checkOf(query, token)]).toString('base64url');

function tokenOf(query: string, cursor: string): Buffer {
  const raw = Buffer.from(cursor, 'base64url');
  const token = raw.subarray(0, -CHECK_BYTES);
  if (raw.length <= CHECK_BYTES || !checkOf(query, token).equals(raw.subarray(-CHECK_BYTES)))
    throw new ValidationError(BAD_CURSOR);
  return token;
}

/**
 * The state of one change request without a worker where possible: a finished workflow's state is
 * its result, read from its history; a running one answers the state query.
 */
async function describe(deps: ApiDeps, workflowId: string, running: boolean): Promise<ChangeRequestState | undefined> {
  const handle = deps.client.workflow.getHandle(workflowId);
  const state = running ? handle.query(changeRequestStateQuery) : (handle.result() as Promise<ChangeRequestState>);
  return state.catch(() => undefined);
}

/**
 * One page of change requests, newest first, from Temporal visibility: `limit` workflows of the
 * change-request type (running ones only when the filter is a status held while running, finished
 * ones only for a final status), and only those described, a few at a time.
 */
export async function listChangeRequests(
  deps: ApiDeps,
  filter: { status?: StatusFilter; limit: number; cursor?: string },
): Promise<z.infer<typeof changeRequestPageSchema>> {
  const wanted = filter.status === 'pending' ? 'awaiting_approval' : filter.status;
  const execution = !filter.status
    ? ''
    : WHILE_RUNNING.has(filter.status)
      ? ` AND ExecutionStatus = 'Running'`
      : ` AND ExecutionStatus != 'Running'`;
  const query = `WorkflowType = 'changeRequestWorkflow'${execution}`;
  const nextPageToken = filter.cursor ? tokenOf(query, filter.cursor) : undefined;
  let page: proto.temporal.api.workflowservice.v1.IListWorkflowExecutionsResponse;
  try {
    page = await deps.client.workflowService.listWorkflowExecutions({
      namespace: deps.client.options.namespace,
      query,
      pageSize: filter.limit,
      nextPageToken,
    });
  } catch (err) {
    if (nextPageToken && isGrpcServiceError(err) && err.code === 3) throw new ValidationError(BAD_CURSOR);
    throw err;
  }
  const rows = (page.executions ?? []).slice(0, filter.limit).flatMap((row) => {
    const workflowId = row.execution?.workflowId;
    if (!workflowId) return [];
    const running = row.status === WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
    return [{ workflowId, running, startedAt: optionalTsToDate(row.startTime)?.toISOString() ?? '' }];
  });
  const items: Listed[] = [];
  for (let at = 0; at < rows.length; at += DESCRIBE_CONCURRENCY) {
    const batch = rows.slice(at, at + DESCRIBE_CONCURRENCY);
    const states = await Promise.all(batch.map((row) => describe(deps, row.workflowId, row.running)));
    states.forEach((state, i) => {
      const { workflowId, startedAt } = batch[i]!;
      if (state && (!wanted || state.status === wanted)) items.push({ ...state, workflowId, startedAt });
    });
  }
  const token = page.nextPageToken;
  return { changeRequests: items, ...(token?.length ? { nextCursor: cursorOf(query, token) } : {}) };
}
