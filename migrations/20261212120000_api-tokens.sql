-- Up Migration

-- API tokens for automation calling the HTTP API (`Authorization: Bearer …`). A token acts as one
-- principal, the same subjects role bindings name; only its sha256 is stored, and the clear token
-- is printed once by `switchyard token create`. Revocation keeps the row (who, when, why) so a
-- refused call can say the token was revoked rather than unknown. `last_used_at` is refreshed at
-- most once a minute per token, so calls do not each write Postgres.
CREATE TABLE api_tokens (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  principal text NOT NULL CHECK (principal ~ '^\S+$'),
  name text NOT NULL CHECK (name <> ''),
  token_hash text NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz,
  revoked_at timestamptz,
  revoked_by text,
  revoke_reason text,
  last_used_at timestamptz
);

CREATE INDEX api_tokens_principal ON api_tokens (principal);

-- Down Migration
DROP TABLE api_tokens;
