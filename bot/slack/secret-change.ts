import type { Client } from '@temporalio/client';
import { changeRequestStateQuery, type ChangeRequestState, type ReplyTarget } from '../../workflows/contracts.js';
import { startChangeRequest } from '../../workflows/starters.js';
import type { SecretEnvelope } from '../../core/secrets/envelope.js';
import { renderChangeState, renderNotice } from '../render/replies.js';
import type { Message } from '../render/blocks.js';

export interface SecretChangeInput {
  requestId: string;
  user: string;
  key: string;
  env: string;
  /** Already sealed: the clear value never reaches Temporal. */
  envelope: SecretEnvelope;
  reason: string;
  replyTo: ReplyTarget;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Hands a sealed secret to the change-request workflow as `config.secret.set` with its envelope:
 * the workflow classifies it (secrets are always risky) and posts it for a second person.
 */
export async function requestSecretChange(deps: { client: Client; taskQueue: string; waitMs?: number }, input: SecretChangeInput): Promise<Message> {
  const handle = await startChangeRequest(
    deps.client,
    {
      requestId: input.requestId,
      requester: input.user,
      command: { name: 'config.secret.set', key: input.key, env: input.env, envelope: input.envelope },
      reason: input.reason,
      replyTo: input.replyTo,
    },
    deps.taskQueue,
  );
  const deadline = Date.now() + (deps.waitMs ?? 5000);
  let state: ChangeRequestState | undefined;
  do {
    state = await handle.query(changeRequestStateQuery).catch(() => state);
    if (state && !['validating', 'approved', 'applying'].includes(state.status)) break;
    await sleep(150);
  } while (Date.now() < deadline);
  return state ? renderChangeState(state, handle.workflowId) : renderNotice(`Secret change \`${input.requestId}\` started; it has not been picked up yet.`);
}
