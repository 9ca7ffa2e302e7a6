-- KEZ sig-server schema, SQLite dialect (same numbers as migrations/postgres).

-- One row per chain: its primary head, fork-evidence count and change-feed position.
CREATE TABLE chains (
  chain      TEXT    PRIMARY KEY,
  head_seq   INTEGER NOT NULL,
  head_id    TEXT    NOT NULL,
  forks      INTEGER NOT NULL DEFAULT 0,
  cursor     INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX chains_cursor ON chains (cursor);

-- Every accepted event. is_primary = 0 rows are fork evidence: a different valid
-- event at a seq that already has a primary one (SPEC §8.5). Rows are never updated
-- or deleted. leaf numbers the transparency log densely from 0.
CREATE TABLE events (
  chain       TEXT    NOT NULL,
  seq         INTEGER NOT NULL,
  id          TEXT    NOT NULL,
  is_primary  INTEGER NOT NULL CHECK (is_primary IN (0, 1)),
  body        TEXT    NOT NULL,
  leaf        INTEGER NOT NULL UNIQUE,
  leaf_hash   BLOB    NOT NULL,
  received_at INTEGER NOT NULL,
  PRIMARY KEY (chain, seq, id)
) STRICT;
-- Exactly one primary event per (chain, seq): the constraint that decides racing appends.
CREATE UNIQUE INDEX events_one_primary ON events (chain, seq) WHERE is_primary = 1;

-- Keys rotated into a chain, so GET /v1/chains/{new_key} finds it (SPEC §8.10).
CREATE TABLE chain_keys (
  key   TEXT NOT NULL,
  chain TEXT NOT NULL,
  PRIMARY KEY (key, chain)
) STRICT;

-- log_size: leaves in the transparency log; also the change-feed cursor.
CREATE TABLE counters (
  name  TEXT    PRIMARY KEY,
  value INTEGER NOT NULL
) STRICT;
INSERT INTO counters (name, value) VALUES ('log_size', 0);
