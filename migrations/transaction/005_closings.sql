-- Monthly closing balances (tutup buku), see src/service/reports/closing.rs: one marker per
-- closed calendar month (its local boundaries and a fingerprint of the journal up to its end),
-- and the closing quantity per product and location (only those not zero). A closing is used
-- only while its fingerprint still matches the journal; its id is a hash of month, boundaries
-- and fingerprint, so two processes closing the same month write the same rows.
CREATE TABLE closings (
    id         VARCHAR(40) PRIMARY KEY,
    month      VARCHAR(7) NOT NULL,
    start_at   BIGINT NOT NULL,
    end_at     BIGINT NOT NULL,
    fp_headers BIGINT NOT NULL,
    fp_txns    BIGINT NOT NULL,
    fp_lines   BIGINT NOT NULL,
    fp_qty     BIGINT NOT NULL,
    fp_value   BIGINT NOT NULL,
    row_count  BIGINT NOT NULL,
    closed_at  BIGINT NOT NULL
);
CREATE INDEX closings_month ON closings (month);

CREATE TABLE closing_rows (
    closing_id  VARCHAR(40) NOT NULL,
    product_id  VARCHAR(36) NOT NULL,
    location_id VARCHAR(36) NOT NULL,
    quantity    BIGINT NOT NULL,
    PRIMARY KEY (closing_id, product_id, location_id)
);
