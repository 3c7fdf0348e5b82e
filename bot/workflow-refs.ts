import { ValidationError } from '../core/errors.js';
import { workflowIds } from '../workflows/contracts.js';

const CHANGE_PREFIX = workflowIds.changeRequest('');
const BREAK_GLASS_PREFIX = workflowIds.breakGlass('');
const ROLLOUT_PREFIX = workflowIds.rollout('', '').split('-')[0]! + '-';

/**
 * `/change approve <id>` accepts what people copy from messages: the request id, or the
 * workflow id that buttons carry.
 */
export function changeWorkflowId(id: string): string {
  return id.startsWith(CHANGE_PREFIX) || id.startsWith(BREAK_GLASS_PREFIX) ? id : workflowIds.changeRequest(id);
}

export const isBreakGlassWorkflow = (id: string) => id.startsWith(BREAK_GLASS_PREFIX);

/** A button value must name the kind of workflow the button acts on: a forged or stale value is refused. */
export function expectWorkflowId(id: string, kind: 'change' | 'break-glass' | 'rollout'): string {
  const prefix = kind === 'change' ? CHANGE_PREFIX : kind === 'break-glass' ? BREAK_GLASS_PREFIX : ROLLOUT_PREFIX;
  if (!id.startsWith(prefix))
    throw new ValidationError(`this button does not point at a ${kind} workflow (got \`${id}\`)`);
  return id;
}
