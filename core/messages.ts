/**
 * Refusals that both the workflows (in update validators, before anything reaches history) and the
 * activities (when the same rule is checked again at the moment of the click) give: one wording.
 */

/** What the requester hears when they try to approve their own change (docs/design.md: never the requester). */
export const SELF_APPROVAL_MESSAGE = 'you requested this change; another eligible person must approve it';
/** What the break-glass actor hears when they try to review their own change. */
export const SELF_REVIEW_MESSAGE = 'you made this break-glass change; someone else must review it';
