-- The same step as sqlite/002: events keyed by leaf; (chain, seq, id) unique
-- among fork evidence only (a primary event is the one per (chain, seq), and
-- the server keeps an event equal to its seq's primary out of the evidence).
-- An append then maintains two small indexes per event instead of three wide ones.

ALTER TABLE events DROP CONSTRAINT events_pkey;
ALTER TABLE events DROP CONSTRAINT events_leaf_key;
ALTER TABLE events ADD PRIMARY KEY (leaf);
CREATE UNIQUE INDEX events_evidence ON events (chain, seq, id) WHERE NOT is_primary;
