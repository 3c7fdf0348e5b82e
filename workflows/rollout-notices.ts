/**
 * The notifications a rollout sends, as data (core/notifications.ts): pure and deterministic,
 * bundled into the workflow sandbox with workflows/rollout.ts. Each id comes from the rollout's
 * `changeId`, so a retried notify delivers once.
 */
import type { NotificationEvent } from '../activities/notification-event.js';
import type { GuardrailBreach, RolloutInput, RolloutState } from './contracts.js';

/** Builds the rollout's notices; `at` is read when a notice is built, as it always was. */
export function rolloutNotices(input: RolloutInput, changeId: (step: string) => string, workflowId: string) {
  const at = () => new Date().toISOString();
  /** What every rollout notification says about which rollout it is. */
  const rolloutFacts = {
    replyTo: input.replyTo,
    rolloutId: input.rolloutId,
    flagKey: input.flagKey,
    env: input.env,
    variation: input.variation,
  };
  return {
    progress: (stages: Array<number | string>, i: number, nextStepAt: string | undefined): NotificationEvent => ({
      kind: 'rollout_progress',
      id: changeId(`progress:${i}`),
      at: at(),
      ...rolloutFacts,
      stage: stages[i]!,
      stageIndex: i,
      stageCount: stages.length,
      nextStepAt,
      requester: input.requester,
    }),
    finished: (status: RolloutState['status'], by: string, message: string): NotificationEvent => ({
      kind: 'rollout_finished',
      id: changeId('finished'),
      at: at(),
      ...rolloutFacts,
      outcome: status === 'completed' ? 'completed' : status === 'aborted' ? 'aborted' : 'rolled_back',
      by,
      message,
      requester: input.requester,
    }),
    /** A breach the rollout itself measured (the monitor announces the ones it sees, with its kill). */
    breach: ({ metric, value, threshold }: GuardrailBreach): NotificationEvent => ({
      kind: 'guardrail_breach',
      id: changeId('breach'),
      at: at(),
      replyTo: input.replyTo,
      flagKey: input.flagKey,
      env: input.env,
      metric,
      value,
      threshold,
      response: 'rolled_back',
      workflowId,
    }),
  };
}
