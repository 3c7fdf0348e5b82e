/**
 * The two dialogs Switchyard opens. Built here, not inline in listeners, so their ids are shared
 * by the code that opens them and the code that reads their submission.
 */
export const REJECT_MODAL = 'change_reject_modal';
export const SECRET_MODAL = 'secret_set_modal';
export const REASON_BLOCK = 'reason';
export const REASON_INPUT = 'reason_input';
export const SECRET_BLOCK = 'secret_value';
export const SECRET_INPUT = 'secret_value_input';

/** Where the dialog came from, carried through Slack in private_metadata. */
export interface ModalOrigin {
  channel?: string;
  responseUrl?: string;
}

const plain = (text: string) => ({ type: 'plain_text' as const, text });

export function rejectModal(workflowId: string, origin: ModalOrigin) {
  return {
    type: 'modal' as const,
    callback_id: REJECT_MODAL,
    private_metadata: JSON.stringify({ workflowId, ...origin }),
    title: plain('Reject change'),
    submit: plain('Reject'),
    close: plain('Cancel'),
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `Rejecting \`${workflowId}\`. The requester and the approvals channel will see your reason.`,
        },
      },
      {
        type: 'input',
        block_id: REASON_BLOCK,
        label: plain('Why are you rejecting it?'),
        element: { type: 'plain_text_input', action_id: REASON_INPUT, multiline: true, max_length: 2000 },
      },
    ],
  };
}

/**
 * Slack has no password input: the value is typed into a plain_text_input inside a modal, which
 * only the typist sees and which never becomes a message. The bot encrypts it on submit.
 */
export function secretModal(key: string, env: string, origin: ModalOrigin) {
  return {
    type: 'modal' as const,
    callback_id: SECRET_MODAL,
    private_metadata: JSON.stringify({ key, env, ...origin }),
    title: plain('Set secret'),
    submit: plain('Request change'),
    close: plain('Cancel'),
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `Secret \`${key}\` in *${env}*. The value is encrypted by the bot before it goes anywhere, is never shown again, and needs a second person's approval.`,
        },
      },
      {
        type: 'input',
        block_id: SECRET_BLOCK,
        label: plain('Value'),
        element: { type: 'plain_text_input', action_id: SECRET_INPUT, max_length: 3000 },
      },
      {
        type: 'input',
        block_id: REASON_BLOCK,
        label: plain('Justification'),
        element: { type: 'plain_text_input', action_id: REASON_INPUT, max_length: 2000 },
      },
    ],
  };
}

/** The typed value of one input of a submitted view. */
export function inputValue(
  state: { values: Record<string, Record<string, { value?: string | null }>> },
  block: string,
  action: string,
): string {
  return state.values[block]?.[action]?.value?.trim() ?? '';
}
