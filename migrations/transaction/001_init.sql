-- transaction shard: transaction headers, lines, number sequences, daily summaries.
CREATE TABLE transactions (
    id             VARCHAR(36) PRIMARY KEY,
    number         VARCHAR(32) NOT NULL UNIQUE,
    kind           VARCHAR(16) NOT NULL,
    status         VARCHAR(16) NOT NULL,
    source_id      VARCHAR(36),
    source_code    VARCHAR(64),
    dest_id        VARCHAR(36),
    dest_code      VARCHAR(64),
    partner        VARCHAR(200),
    reference      VARCHAR(200),
    notes          TEXT,
    reason         TEXT,
    created_by     VARCHAR(254) NOT NULL,
    created_at     BIGINT NOT NULL,
    decided_at     BIGINT,
    day            VARCHAR(10) NOT NULL,
    line_count     BIGINT NOT NULL,
    total_qty      BIGINT NOT NULL,
    total_value    BIGINT NOT NULL
);
CREATE INDEX transactions_created ON transactions (created_at);
CREATE INDEX transactions_status ON transactions (status, created_at);
CREATE INDEX transactions_kind ON transactions (kind, created_at);
CREATE INDEX transactions_reference ON transactions (reference);

-- applied_delta is the signed stock change the posting made (set when posted); for an
-- adjustment it is counted minus what was there, for a transfer the quantity moved.
CREATE TABLE transaction_lines (
    txn_id        VARCHAR(36) NOT NULL,
    line_no       BIGINT NOT NULL,
    product_id    VARCHAR(36) NOT NULL,
    sku           VARCHAR(64) NOT NULL,
    product_name  VARCHAR(200) NOT NULL,
    quantity      BIGINT NOT NULL,
    unit_price    BIGINT NOT NULL,
    total         BIGINT NOT NULL,
    applied_delta BIGINT,
    PRIMARY KEY (txn_id, line_no)
);
CREATE INDEX transaction_lines_product ON transaction_lines (product_id);

CREATE TABLE number_seq (
    kind    VARCHAR(16) NOT NULL,
    year    BIGINT NOT NULL,
    last_no BIGINT NOT NULL,
    PRIMARY KEY (kind, year)
);

CREATE TABLE daily_summary (
    day         VARCHAR(10) NOT NULL,
    kind        VARCHAR(16) NOT NULL,
    txn_count   BIGINT NOT NULL,
    line_count  BIGINT NOT NULL,
    total_qty   BIGINT NOT NULL,
    total_value BIGINT NOT NULL,
    PRIMARY KEY (day, kind)
);
