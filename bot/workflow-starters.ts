/**
 * How the command layer, the CLI and tests start the control plane's workflows. Client-side code,
 * so it lives above workflows/: the workflow bundle never sees @temporalio/client.
 */
import {
  ScheduleAlreadyRunning,
  WorkflowExecutionAlreadyStartedError,
  type Client,
  type WorkflowHandle,
} from '@temporalio/client';
import { breakGlassWorkflow } from '../workflows/break-glass.js';
import { changeRequestWorkflow } from '../workflows/change-request.js';
import {
  TASK_QUEUE_DEFAULT,
  workflowIds,
  type BreakGlassInput,
  type ChangeRequestInput,
} from '../workflows/contracts.js';
import { guardrailMonitorWorkflow, type GuardrailMonitorInput } from '../workflows/guardrail-monitor.js';
import { staleFlagsWorkflow } from '../workflows/stale-flags.js';

/**
 * Starts the change request for `input.requestId`, or returns the one that request already started
 * (running or finished): a retried Slack request never makes a second change.
 */
export async function startChangeRequest(
  client: Client,
  input: ChangeRequestInput,
  taskQueue = TASK_QUEUE_DEFAULT,
): Promise<WorkflowHandle<typeof changeRequestWorkflow>> {
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
export async function startBreakGlass(
  client: Client,
  input: BreakGlassInput,
  taskQueue = TASK_QUEUE_DEFAULT,
): Promise<WorkflowHandle<typeof breakGlassWorkflow>> {
  const workflowId = workflowIds.breakGlass(input.requestId);
  try {
    return await client.workflow.start(breakGlassWorkflow, {
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
      action: {
        type: 'startWorkflow',
        workflowType: staleFlagsWorkflow,
        taskQueue: options.taskQueue ?? TASK_QUEUE_DEFAULT,
        args: [{}],
      },
      policies: { overlap: 'SKIP' },
    });
    return { scheduleId, created: true };
  } catch (err) {
    if (err instanceof ScheduleAlreadyRunning) return { scheduleId, created: false };
    throw err;
  }
}
