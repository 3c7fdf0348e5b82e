-- Up Migration

-- A key's lifecycle beyond create: a revocation records who and why (the audit row has them too,
-- but `switchyard key list` reads this table alone); a rotation gives the old key an end of grace
-- (`expires_at`, enforced by each evaluator at request time) and points it at its successor.
-- "Last used" is not here: evaluators record it in Redis so that no request writes Postgres.
ALTER TABLE sdk_keys
  ADD COLUMN revoked_by text,
  ADD COLUMN revoke_reason text,
  ADD COLUMN expires_at timestamptz,
  ADD COLUMN replaced_by uuid REFERENCES sdk_keys (id);

-- Down Migration
ALTER TABLE sdk_keys
  DROP COLUMN replaced_by,
  DROP COLUMN expires_at,
  DROP COLUMN revoke_reason,
  DROP COLUMN revoked_by;
