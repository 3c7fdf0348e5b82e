/**
 * Button action ids, shared by the renderers (which put them on buttons) and the command handler
 * (which routes clicks). Values carry the workflow id the button acts on.
 */
export const ACTION = {
  approve: 'change_approve',
  reject: 'change_reject',
  rolloutPause: 'rollout_pause',
  rolloutResume: 'rollout_resume',
  rolloutPromote: 'rollout_promote',
  rolloutAbort: 'rollout_abort',
  breakGlassReview: 'breakglass_review',
} as const;

export type ActionId = (typeof ACTION)[keyof typeof ACTION];

export const ROLLOUT_ACTIONS = {
  [ACTION.rolloutPause]: 'pause',
  [ACTION.rolloutResume]: 'resume',
  [ACTION.rolloutPromote]: 'promote',
  [ACTION.rolloutAbort]: 'abort',
} as const;

export type RolloutControl = (typeof ROLLOUT_ACTIONS)[keyof typeof ROLLOUT_ACTIONS];
