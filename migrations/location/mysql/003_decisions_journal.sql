-- The decision becomes the only commit a clerk waits for (see README, "Posting"): the location
-- shard now numbers each document inside the transaction that decides it, and keeps the
-- finished document in an outbox until the transaction shard has journaled it, so that a
-- crash between the two commits loses nothing and recovery can finish the journal alone.
-- (InnoDB already clusters every table on its primary key.)
CREATE TABLE number_seq (
    kind    VARCHAR(16) NOT NULL,
    year    BIGINT NOT NULL,
    last_no BIGINT NOT NULL,
    PRIMARY KEY (kind, year)
);

-- NULL only on decisions made before numbers moved here; their header has the number.
ALTER TABLE outcomes ADD COLUMN number VARCHAR(32);

-- The journal entry (header and lines as JSON, decision included) of a decided document not
-- yet known to be on the transaction shard.
CREATE TABLE outbox (
    txn_id VARCHAR(36) PRIMARY KEY,
    doc    LONGTEXT NOT NULL,
    at     BIGINT NOT NULL
);

-- Nothing reads movements by location or product any more: the stock row holds the quantity
-- and product history comes from the journal (transaction migration 002).
DROP INDEX movements_stock ON movements;
DROP INDEX movements_product ON movements;
