-- Up Migration

-- The database's identity. Every snapshot written to Redis carries it beside its version, so a
-- Redis that outlived its database (the database recreated, or restored from an older backup)
-- is recognised as holding another database's data and replaced, instead of outranking the new
-- changes with its higher versions. One row; minted here, at migrate time, and minted again by
-- the repair loop when Redis shows a version this database never reached (a restored backup
-- carries the epoch of the database it was taken from).
CREATE TABLE database_epoch (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  epoch uuid NOT NULL DEFAULT gen_random_uuid(),
  minted_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO database_epoch DEFAULT VALUES;

-- Down Migration
DROP TABLE database_epoch;
