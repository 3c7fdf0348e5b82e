import type { RolloutState } from '../core/workflow-states.js';
import { ACTION } from './action-ids.js';
import { actions, button, code, context, fields, section, type ButtonElement, type Message } from './blocks.js';
import { formatTime } from './format.js';

/** What a rollout message shows, from a progress event or from the workflow's state query. */
export interface RolloutView {
  workflowId: string;
  flagKey: string;
  env: string;
  variation: string;
  status: RolloutState['status'];
  /** The applied stage (a percentage or a cohort), if any. */
  stage?: number | string;
  stageIndex: number;
  stageCount: number;
  nextStepAt?: string;
  guardrail?: RolloutState['guardrail'];
  message?: string;
}

const GUARDRAIL_TEXT: Record<RolloutState['guardrail'], string> = {
  ok: 'ok',
  breached: 'BREACHED',
  unchecked: 'not checked (no guardrail or no metric yet)',
};

function stageText(view: RolloutView): string {
  if (view.stage === undefined || view.stageIndex < 0) return `not started (0/${view.stageCount})`;
  const stage = typeof view.stage === 'number' ? `${view.stage} %` : `cohort ${view.stage}`;
  return `${stage} (stage ${view.stageIndex + 1}/${view.stageCount})`;
}

/** The buttons that make sense now: a finished rollout has none. */
function controls(view: RolloutView): ButtonElement[] {
  const id = view.workflowId;
  const promote = button(ACTION.rolloutPromote, 'Promote', id, 'primary');
  const abort = button(ACTION.rolloutAbort, 'Abort', id, 'danger');
  switch (view.status) {
    case 'running':
    case 'baking':
      return [button(ACTION.rolloutPause, 'Pause', id), promote, abort];
    case 'paused':
      return [button(ACTION.rolloutResume, 'Resume', id, 'primary'), promote, abort];
    default:
      return [];
  }
}

/** The rollout message (docs/design.md#rollout: one message per rollout, kept up to date with the stage). */
export function renderRollout(view: RolloutView): Message {
  const done = ['completed', 'aborted', 'rolled_back'].includes(view.status);
  const title = `Rollout of ${code(view.flagKey)} → ${code(view.variation)} in *${view.env}*: ${view.status.replace('_', ' ')}`;
  const blocks = [
    section(
      `${done ? (view.status === 'completed' ? ':white_check_mark:' : ':leftwards_arrow_with_hook:') : ':rocket:'} ${title}`,
    ),
    fields([
      ['Stage', stageText(view)],
      [
        'Next advance',
        done
          ? undefined
          : view.status === 'paused'
            ? 'paused'
            : (formatTime(view.nextStepAt) ?? (view.stageIndex + 1 >= view.stageCount ? undefined : 'soon')),
      ],
      ['Guardrails', view.guardrail ? GUARDRAIL_TEXT[view.guardrail] : undefined],
    ]),
  ];
  if (view.message) blocks.push(context(view.message));
  const buttons = controls(view);
  if (buttons.length) blocks.push(actions(...buttons));
  const text = `Rollout of ${view.flagKey} (${view.variation}) in ${view.env}: ${view.status.replace('_', ' ')}, ${stageText(view)}`;
  return { text, blocks };
}

export function rolloutViewOfState(state: RolloutState, workflowId: string): RolloutView {
  return {
    workflowId,
    flagKey: state.flagKey,
    env: state.env,
    variation: state.variation,
    status: state.status,
    stage: state.stageIndex >= 0 ? state.stages[state.stageIndex] : undefined,
    stageIndex: state.stageIndex,
    stageCount: state.stages.length,
    nextStepAt: state.nextStepAt,
    guardrail: state.guardrail,
    message: state.message,
  };
}
