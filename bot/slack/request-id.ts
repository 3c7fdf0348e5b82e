import { createHash } from 'node:crypto';

/**
 * The idempotency key of a Slack request. Slack redelivers the very same body on a retry
 * (X-Slack-Retry-Num), trigger_id included, so hashing the request's identity maps every
 * delivery of one invocation to one id, hence one workflow; a new invocation of the same text
 * has a new trigger_id and is a new request.
 */
export function slackRequestId(kind: string, parts: Array<string | undefined>): string {
  const hash = createHash('sha256');
  hash.update(kind);
  for (const part of parts) hash.update('\u0000').update(part ?? '');
  return `slack-${hash.digest('hex').slice(0, 24)}`;
}
