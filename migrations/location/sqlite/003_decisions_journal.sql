-- The decision becomes the only commit a clerk waits for (see README, "Posting"): the location
-- shard now numbers each document inside the transaction that decides it, and keeps the
-- finished document in an outbox until the transaction shard has journaled it, so that a
-- crash between the two commits loses nothing and recovery can finish the journal alone.
--
-- On SQLite the decision's tables are clustered on their keys (WITHOUT ROWID): one b-tree per
-- row written instead of a table and its key index, on the commit a clerk waits for. Nothing
-- reads movements by location or product any more (the stock row holds the quantity, product
-- history comes from the journal: transaction migration 002), so the rebuilt table leaves out
-- the two indexes that cost every posting random pages.
CREATE TABLE number_seq (
    kind    VARCHAR(16) NOT NULL,
    year    BIGINT NOT NULL,
    last_no BIGINT NOT NULL,
    PRIMARY KEY (kind, year)
) WITHOUT ROWID;

CREATE TABLE outcomes_v3 (
    txn_id  VARCHAR(36) PRIMARY KEY,
    outcome VARCHAR(16) NOT NULL,
    reason  TEXT,
    at      BIGINT NOT NULL,
    -- NULL only on decisions made before numbers moved here; their header has the number.
    number  VARCHAR(32)
) WITHOUT ROWID;
INSERT INTO outcomes_v3 (txn_id, outcome, reason, at, number)
    SELECT txn_id, outcome, reason, at, NULL FROM outcomes;
DROP TABLE outcomes;
ALTER TABLE outcomes_v3 RENAME TO outcomes;

CREATE TABLE movements_v3 (
    txn_id      VARCHAR(36) NOT NULL,
    line_no     BIGINT NOT NULL,
    leg         BIGINT NOT NULL,
    location_id VARCHAR(36) NOT NULL,
    product_id  VARCHAR(36) NOT NULL,
    delta       BIGINT NOT NULL,
    at          BIGINT NOT NULL,
    PRIMARY KEY (txn_id, line_no, leg)
) WITHOUT ROWID;
INSERT INTO movements_v3 (txn_id, line_no, leg, location_id, product_id, delta, at)
    SELECT txn_id, line_no, leg, location_id, product_id, delta, at FROM movements;
DROP TABLE movements;
ALTER TABLE movements_v3 RENAME TO movements;

-- The journal entry (header and lines as JSON, decision included) of a decided document not
-- yet known to be on the transaction shard.
CREATE TABLE outbox (
    txn_id VARCHAR(36) PRIMARY KEY,
    doc    TEXT NOT NULL,
    at     BIGINT NOT NULL
) WITHOUT ROWID;
