import type { Queryable } from './db.js';

/** Where a Slack message was posted, so a later event updates it in place instead of posting anew. */
export interface SlackMessageRef {
  channel: string;
  ts: string;
}

export async function findSlackMessage(db: Queryable, ref: string): Promise<SlackMessageRef | undefined> {
  const { rows } = await db.query<SlackMessageRef>('SELECT channel, ts FROM slack_messages WHERE ref = $1', [ref]);
  return rows[0];
}

/** Records (or moves) the message a ref points to. */
export async function rememberSlackMessage(db: Queryable, ref: string, message: SlackMessageRef): Promise<void> {
  await db.query(
    `INSERT INTO slack_messages (ref, channel, ts) VALUES ($1, $2, $3)
     ON CONFLICT (ref) DO UPDATE SET channel = EXCLUDED.channel, ts = EXCLUDED.ts, updated_at = now()`,
    [ref, message.channel, message.ts],
  );
}
