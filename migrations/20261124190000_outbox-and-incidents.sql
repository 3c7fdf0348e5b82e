-- Up Migration

-- Notifications leave the workflow through this table: a transport (Slack, console) reads new rows
-- after a pg_notify('switchyard_outbox', id) and delivers them. The dedupe key makes a retried
-- notify activity insert once.
CREATE TABLE outbox (
  id bigserial PRIMARY KEY,
  dedupe_key text NOT NULL UNIQUE,
  target jsonb,
  event jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  delivered_at timestamptz
);
CREATE INDEX outbox_undelivered ON outbox (id) WHERE delivered_at IS NULL;

-- One incident per break-glass request; the request id makes a retried activity open it once.
CREATE TABLE incidents (
  id bigserial PRIMARY KEY,
  request_id text NOT NULL UNIQUE,
  actor text NOT NULL,
  summary text NOT NULL,
  reason text NOT NULL,
  entry_key text,
  environment text,
  details jsonb NOT NULL DEFAULT '{}'::jsonb,
  webhook_delivered_at timestamptz,
  reviewed_by text,
  reviewed_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE incidents;
DROP TABLE outbox;
