-- Events keyed by their leaf number (SQLite's rowid), so an append writes the
-- table and two small indexes per event instead of the table and three wide
-- ones: the separate UNIQUE (leaf) index goes, and (chain, seq, id) is unique
-- among fork evidence only — a primary event is already the one per
-- (chain, seq), and the server keeps an event equal to its seq's primary out
-- of the evidence. Reads of a seq range take both partial indexes.

CREATE TABLE events_by_leaf (
  leaf        INTEGER PRIMARY KEY,
  chain       TEXT    NOT NULL,
  seq         INTEGER NOT NULL,
  id          TEXT    NOT NULL,
  is_primary  INTEGER NOT NULL CHECK (is_primary IN (0, 1)),
  body        TEXT    NOT NULL,
  leaf_hash   BLOB    NOT NULL,
  received_at INTEGER NOT NULL
) STRICT;
INSERT INTO events_by_leaf (leaf, chain, seq, id, is_primary, body, leaf_hash, received_at)
  SELECT leaf, chain, seq, id, is_primary, body, leaf_hash, received_at FROM events ORDER BY leaf;
DROP TABLE events;
ALTER TABLE events_by_leaf RENAME TO events;
-- Exactly one primary event per (chain, seq): the constraint that decides racing appends.
CREATE UNIQUE INDEX events_one_primary ON events (chain, seq) WHERE is_primary = 1;
-- Each piece of fork evidence once.
CREATE UNIQUE INDEX events_evidence ON events (chain, seq, id) WHERE is_primary = 0;
