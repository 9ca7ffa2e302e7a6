-- KEZ sig-server schema, PostgreSQL dialect (same numbers as migrations/sqlite).

-- One row per chain: its primary head, fork-evidence count and change-feed position.
CREATE TABLE chains (
  chain      TEXT    PRIMARY KEY,
  head_seq   BIGINT  NOT NULL,
  head_id    TEXT    NOT NULL,
  forks      INTEGER NOT NULL DEFAULT 0,
  cursor     BIGINT  NOT NULL,
  updated_at BIGINT  NOT NULL
);
CREATE INDEX chains_cursor ON chains (cursor);

-- Every accepted event. is_primary = false rows are fork evidence: a different valid
-- event at a seq that already has a primary one (SPEC §8.5). Rows are never updated
-- or deleted. leaf numbers the transparency log densely from 0.
CREATE TABLE events (
  chain       TEXT    NOT NULL,
  seq         BIGINT  NOT NULL,
  id          TEXT    NOT NULL,
  is_primary  BOOLEAN NOT NULL,
  body        TEXT    NOT NULL,
  leaf        BIGINT  NOT NULL UNIQUE,
  leaf_hash   BYTEA   NOT NULL,
  received_at BIGINT  NOT NULL,
  PRIMARY KEY (chain, seq, id)
);
-- Exactly one primary event per (chain, seq): the constraint that decides racing appends,
-- also between several server processes.
CREATE UNIQUE INDEX events_one_primary ON events (chain, seq) WHERE is_primary;

-- Keys rotated into a chain, so GET /v1/chains/{new_key} finds it (SPEC §8.10).
CREATE TABLE chain_keys (
  key   TEXT NOT NULL,
  chain TEXT NOT NULL,
  PRIMARY KEY (key, chain)
);

-- log_size: leaves in the transparency log; also the change-feed cursor. Every append
-- updates this row first, so appends commit in log order.
CREATE TABLE counters (
  name  TEXT   PRIMARY KEY,
  value BIGINT NOT NULL
);
INSERT INTO counters (name, value) VALUES ('log_size', 0);
