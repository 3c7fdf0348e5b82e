/**
 * The id each workflow runs under. Derived from what the user typed or clicked, so a retried
 * command reaches the same workflow; the renderers put them on buttons, the bot routes clicks by them.
 */
export const workflowIds = {
  changeRequest: (requestId: string) => `change-${requestId}`,
  rollout: (flagKey: string, env: string) => `rollout-${env}-${flagKey}`,
  breakGlass: (requestId: string) => `break-glass-${requestId}`,
  guardrail: (flagKey: string, env: string) => `guardrail-${env}-${flagKey}`,
  staleFlagsSchedule: 'stale-flags-daily',
};
