-- Stock opname (count sessions). A count covers one location (optionally with everything
-- nested inside it, optionally one category); clerks' scans add to its lines, each line keeping
-- the stock row's quantity at its latest scan (the book quantity), so that the variance
-- (counted - book) can be applied later as a change while the warehouse keeps posting. Posting
-- fixes the count's adjustment documents (ids, which lines) before any is posted.
CREATE TABLE counts (
    id                VARCHAR(36) PRIMARY KEY,
    number            VARCHAR(32) NOT NULL UNIQUE,
    location_id       VARCHAR(36) NOT NULL REFERENCES locations(id),
    with_children     BIGINT NOT NULL DEFAULT 0,
    category_id       VARCHAR(36),
    -- open | posting | posted | cancelled
    status            VARCHAR(16) NOT NULL,
    started_by        VARCHAR(254) NOT NULL,
    started_at        BIGINT NOT NULL,
    closed_at         BIGINT,
    closed_by         VARCHAR(254),
    -- Whether items never scanned were posted as counted zero (the supervisor's choice).
    uncounted_as_zero BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX counts_started ON counts (started_at);

CREATE TABLE count_lines (
    count_id    VARCHAR(36) NOT NULL,
    location_id VARCHAR(36) NOT NULL,
    product_id  VARCHAR(36) NOT NULL,
    -- NULL: waiting for a recount.
    counted     BIGINT,
    -- The stock row's quantity at the line's latest scan (or when it was zeroed).
    book        BIGINT NOT NULL,
    counted_by  VARCHAR(254),
    counted_at  BIGINT,
    recount     BIGINT NOT NULL DEFAULT 0,
    scans       BIGINT NOT NULL DEFAULT 0,
    -- Never scanned: counted as zero when the count was posted.
    zeroed      BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (count_id, location_id, product_id)
);

-- The adjustment documents of a count: one per location (more if a location has more
-- variance lines than a document holds), with the transaction id fixed before it is posted.
CREATE TABLE count_docs (
    count_id    VARCHAR(36) NOT NULL,
    seq         BIGINT NOT NULL,
    location_id VARCHAR(36) NOT NULL,
    part        BIGINT NOT NULL,
    txn_id      VARCHAR(36) NOT NULL UNIQUE,
    number      VARCHAR(32),
    -- pending | posted | rejected
    status      VARCHAR(16) NOT NULL,
    reason      TEXT,
    line_count  BIGINT NOT NULL,
    PRIMARY KEY (count_id, seq)
);
