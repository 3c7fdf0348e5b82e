/**
 * How the command layer, the CLI and tests start the control plane's workflows. Client-side code:
 * not part of the workflow bundle (workflows/index.ts does not export it).
 */
import { Client, Connection, ScheduleAlreadyRunning, WorkflowExecutionAlreadyStartedError, type WorkflowHandle } from '@temporalio/client';
import { SwitchyardError } from '../core/errors.js';
import { breakGlassWorkflow } from './break-glass.js';
import { changeRequestWorkflow } from './change-request.js';
import { TASK_QUEUE_DEFAULT, workflowIds, type BreakGlassInput, type ChangeRequestInput } from './contracts.js';
import { guardrailMonitorWorkflow, type GuardrailMonitorInput } from './guardrail-monitor.js';
import { staleFlagsWorkflow } from './stale-flags.js';

/**
 * A client for TEMPORAL_ADDRESS, or one line saying it cannot be reached: an unreachable server
 * is a configuration problem for the operator, not a stack trace.
 */
export async function connectClient(address: string, namespace: string): Promise<{ client: Client; connection: Connection }> {
  try {
    const connection = await Connection.connect({ address, connectTimeout: '10s' });
    return { client: new Client({ connection, namespace }), connection };
  } catch (err) {
    throw new SwitchyardError(`cannot reach Temporal at TEMPORAL_ADDRESS=${address}: ${err instanceof Error ? err.message : String(err)}`, 'UNAVAILABLE', 503);
  }
}

/**
 * Starts the change request for `input.requestId`, or returns the one that request already started
 * (running or finished): a retried Slack request never makes a second change.
 */
export async function startChangeRequest(client: Client, input: ChangeRequestInput, taskQueue = TASK_QUEUE_DEFAULT): Promise<WorkflowHandle<typeof changeRequestWorkflow>> {
  const workflowId = workflowIds.changeRequest(input.requestId);
  try {
    return await client.workflow.start(changeRequestWorkflow, {
      workflowId,
      taskQueue,
      args: [input],
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    return client.workflow.getHandle(workflowId);
  }
}

/** Starts break-glass directly (e.g. from the CLI); the same request id reaches the same workflow. */
export async function startBreakGlass(client: Client, input: BreakGlassInput, taskQueue = TASK_QUEUE_DEFAULT): Promise<WorkflowHandle<typeof breakGlassWorkflow>> {
  const workflowId = workflowIds.breakGlass(input.requestId);
  try {
    return await client.workflow.start(breakGlassWorkflow, { workflowId, taskQueue, args: [input], workflowIdReusePolicy: 'REJECT_DUPLICATE', workflowIdConflictPolicy: 'USE_EXISTING' });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    return client.workflow.getHandle(workflowId);
  }
}

/** One monitor per flag and environment; starting it again while it runs is a no-op. */
export function startGuardrailMonitor(client: Client, input: GuardrailMonitorInput, taskQueue = TASK_QUEUE_DEFAULT) {
  return client.workflow.start(guardrailMonitorWorkflow, {
    workflowId: workflowIds.guardrail(input.flagKey, input.env),
    taskQueue,
    args: [input],
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
}

/**
 * The daily stale-flag listing (docs/design.md#stale-flags) as a Temporal Schedule. Safe to call at every worker or
 * `dev` start: an existing schedule is left as it is.
 */
export async function ensureStaleFlagsSchedule(
  client: Client,
  options: { taskQueue?: string; hour?: number; timezone?: string; scheduleId?: string } = {},
): Promise<{ scheduleId: string; created: boolean }> {
  const scheduleId = options.scheduleId ?? workflowIds.staleFlagsSchedule;
  try {
    await client.schedule.create({
      scheduleId,
      spec: { calendars: [{ hour: options.hour ?? 9, minute: 0 }], timezone: options.timezone ?? 'UTC' },
      action: { type: 'startWorkflow', workflowType: staleFlagsWorkflow, taskQueue: options.taskQueue ?? TASK_QUEUE_DEFAULT, args: [{}] },
      policies: { overlap: 'SKIP' },
    });
    return { scheduleId, created: true };
  } catch (err) {
    if (err instanceof ScheduleAlreadyRunning) return { scheduleId, created: false };
    throw err;
  }
}
