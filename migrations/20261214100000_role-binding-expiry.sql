-- Up Migration

-- When a binding stops counting (an on-call rotation, `--until`); NULL: until it is revoked.
-- Authorization reads only bindings that are neither revoked nor past their end, so an expired
-- binding authorizes nothing from the moment it ends, without anyone revoking it. The unique
-- index of live bindings stays as it is: a grant of the same scope closes an expired row first
-- (storage/role-bindings.ts).
ALTER TABLE role_bindings
  ADD COLUMN expires_at timestamptz NULL;

-- Down Migration
ALTER TABLE role_bindings
  DROP COLUMN expires_at;
