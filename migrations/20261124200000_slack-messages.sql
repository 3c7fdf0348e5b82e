-- Up Migration

-- Where Switchyard's Slack messages live, so outcomes and rollout progress update the message in
-- place (chat.update needs channel + ts). `ref` is `change:<requestId>`, `rollout:<rolloutId>`,
-- `incident:<incidentId>`, or `event:<notification id>` for a one-off post already delivered.
CREATE TABLE slack_messages (
  ref text PRIMARY KEY,
  channel text NOT NULL,
  ts text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE slack_messages;
