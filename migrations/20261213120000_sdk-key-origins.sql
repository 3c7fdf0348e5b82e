-- Up Migration

-- The browser origins whose pages may use a key (CORS), besides EVALUATOR_CORS_ORIGINS: one
-- deployment can serve several web apps, each allowed only with its own key. Exact origins
-- (`https://app.example.com`), validated by storage; empty means only the global list applies.
ALTER TABLE sdk_keys
  ADD COLUMN allowed_origins text[] NOT NULL DEFAULT '{}';

-- Down Migration
ALTER TABLE sdk_keys
  DROP COLUMN allowed_origins;
