-- Up Migration

-- Environments in risk order (position ascending = riskier). snapshot_version is bumped in the
-- same transaction as every change, so a snapshot's version tells which changes it contains.
CREATE TABLE environments (
  name text PRIMARY KEY CHECK (name ~ '^[a-z][a-z0-9_-]{0,31}$'),
  position int NOT NULL,
  snapshot_version bigint NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO environments (name, position) VALUES ('dev', 10), ('staging', 20), ('production', 30);

CREATE TABLE tenants (
  id text PRIMARY KEY,
  name text NOT NULL,
  tier text NOT NULL DEFAULT 'standard',
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE cohorts (
  name text PRIMARY KEY,
  description text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE cohort_members (
  cohort text NOT NULL REFERENCES cohorts (name) ON DELETE CASCADE,
  tenant_id text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  added_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (cohort, tenant_id)
);

-- History tables: a change writes a whole new version; nothing is ever rewritten or removed.
CREATE TABLE flag_versions (
  key text NOT NULL,
  version int NOT NULL CHECK (version > 0),
  document jsonb NOT NULL,
  action text NOT NULL,
  change_id text NOT NULL,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (key, version)
);
CREATE INDEX flag_versions_change_id ON flag_versions (change_id);

CREATE TABLE config_versions (
  key text NOT NULL,
  version int NOT NULL CHECK (version > 0),
  document jsonb NOT NULL,
  action text NOT NULL,
  change_id text NOT NULL,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (key, version)
);
CREATE INDEX config_versions_change_id ON config_versions (change_id);

-- The idempotency record of the apply function: a retried change id returns this result.
CREATE TABLE applied_changes (
  change_id text PRIMARY KEY,
  entity_kind text NOT NULL,
  entity_key text NOT NULL,
  version int NOT NULL,
  result jsonb NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
);

-- Only sha256(key) is stored: the clear key is shown once, at creation.
CREATE TABLE sdk_keys (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL,
  env text NOT NULL REFERENCES environments (name),
  scopes text[] NOT NULL CHECK (scopes <@ ARRAY['flags', 'config', 'secrets']::text[] AND cardinality(scopes) > 0),
  key_hash text NOT NULL UNIQUE CHECK (key_hash ~ '^[0-9a-f]{64}$'),
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);

CREATE TABLE role_bindings (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  subject text NOT NULL,
  role text NOT NULL,
  env text REFERENCES environments (name),
  tenant text,
  granted_by text NOT NULL,
  reason text,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz,
  revoked_by text
);
CREATE INDEX role_bindings_subject ON role_bindings (subject) WHERE revoked_at IS NULL;
-- One live binding per (subject, role, scope); NULL scopes compare equal here.
CREATE UNIQUE INDEX role_bindings_live ON role_bindings (subject, role, coalesce(env, ''), coalesce(tenant, '')) WHERE revoked_at IS NULL;

-- The audit log: append-only and hash-chained.
CREATE TABLE audit_log (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- Chain position, assigned by the trigger under the chain lock (identity values are handed out
  -- before that lock, so under concurrency id order can differ from chain order).
  seq bigint NOT NULL UNIQUE,
  occurred_at timestamptz NOT NULL,
  actor text NOT NULL,
  on_behalf_of text,
  action text NOT NULL,
  entity_kind text,
  entity_key text,
  environment text,
  tenant text,
  change_id text,
  reason text,
  ticket text,
  approved_by text,
  request_id text,
  diff jsonb,
  detail jsonb NOT NULL DEFAULT '{}'::jsonb,
  prev_hash text NOT NULL,
  hash text NOT NULL UNIQUE
);
CREATE INDEX audit_log_entity ON audit_log (entity_kind, entity_key, seq);
CREATE INDEX audit_log_change_id ON audit_log (change_id) WHERE change_id IS NOT NULL;

-- Canonical text of an audit row, the input of its hash (format version "v1"):
--   jsonb_build_array('v1', seq, id, occurred_at as UTC 'YYYY-MM-DDTHH:MI:SS.ffffffZ', actor,
--                     on_behalf_of, action, entity_kind, entity_key, environment, tenant,
--                     change_id, reason, ticket, approved_by, request_id, diff, detail)::text
-- A JSON array keeps field boundaries unambiguous and NULL distinct from ''. Its text is
-- computed here (jsonb's own rendering) and hash = hex(sha256(prev_hash || canonical text)),
-- which storage/audit.ts recomputes in TypeScript. The first row's prev_hash is 64 zeros.
CREATE FUNCTION audit_canonical_text(r audit_log) RETURNS text
LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_array(
    'v1', r.seq, r.id,
    to_char(r.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
    r.actor, r.on_behalf_of, r.action, r.entity_kind, r.entity_key, r.environment, r.tenant,
    r.change_id, r.reason, r.ticket, r.approved_by, r.request_id, r.diff, r.detail
  )::text
$$;

CREATE FUNCTION audit_log_chain() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  last_seq bigint;
  last_hash text;
BEGIN
  -- One fixed key serializes chain appends until the inserting transaction ends; the SELECT
  -- below runs after the lock is granted, so (READ COMMITTED) it sees the previous holder's row.
  PERFORM pg_advisory_xact_lock(7307267917140101);
  SELECT seq, hash INTO last_seq, last_hash FROM audit_log ORDER BY seq DESC LIMIT 1;
  NEW.seq := coalesce(last_seq, 0) + 1;
  NEW.prev_hash := coalesce(last_hash, repeat('0', 64));
  -- The database clock, not the caller, says when: rows cannot be back-dated.
  NEW.occurred_at := clock_timestamp();
  NEW.detail := coalesce(NEW.detail, '{}'::jsonb);
  NEW.hash := encode(sha256(convert_to(NEW.prev_hash || audit_canonical_text(NEW), 'UTF8')), 'hex');
  RETURN NEW;
END
$$;

CREATE FUNCTION refuse_rewrite() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege',
          HINT = 'history is never rewritten; record a new row instead';
END
$$;

CREATE TRIGGER audit_log_chain BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_chain();
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION refuse_rewrite();
-- TRUNCATE fires no row trigger.
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION refuse_rewrite();

CREATE TRIGGER flag_versions_no_update BEFORE UPDATE OR DELETE ON flag_versions FOR EACH ROW EXECUTE FUNCTION refuse_rewrite();
CREATE TRIGGER flag_versions_no_truncate BEFORE TRUNCATE ON flag_versions FOR EACH STATEMENT EXECUTE FUNCTION refuse_rewrite();
CREATE TRIGGER config_versions_no_update BEFORE UPDATE OR DELETE ON config_versions FOR EACH ROW EXECUTE FUNCTION refuse_rewrite();
CREATE TRIGGER config_versions_no_truncate BEFORE TRUNCATE ON config_versions FOR EACH STATEMENT EXECUTE FUNCTION refuse_rewrite();

-- Down Migration
DROP TABLE audit_log CASCADE;
DROP FUNCTION audit_log_chain();
DROP TABLE role_bindings;
DROP TABLE sdk_keys;
DROP TABLE applied_changes;
DROP TABLE config_versions;
DROP TABLE flag_versions;
DROP TABLE cohort_members;
DROP TABLE cohorts;
DROP TABLE tenants;
DROP TABLE environments;
DROP FUNCTION refuse_rewrite();
