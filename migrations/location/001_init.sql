-- location shard: locations, stock, movements, posting outcomes, audit log.
CREATE TABLE locations (
    id         VARCHAR(36) PRIMARY KEY,
    code       VARCHAR(64) NOT NULL,
    code_norm  VARCHAR(64) NOT NULL UNIQUE,
    name       VARCHAR(200) NOT NULL,
    parent_id  VARCHAR(36) REFERENCES locations(id),
    active     BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- price and default_min mirror the product's master data, refreshed by every posting and every
-- product edit, so the dashboard values stock and finds low stock without a cross-shard join.
CREATE TABLE stock (
    location_id  VARCHAR(36) NOT NULL REFERENCES locations(id),
    product_id   VARCHAR(36) NOT NULL,
    quantity     BIGINT NOT NULL DEFAULT 0,
    min_override BIGINT,
    default_min  BIGINT NOT NULL DEFAULT 0,
    price        BIGINT NOT NULL DEFAULT 0,
    updated_at   BIGINT NOT NULL,
    PRIMARY KEY (location_id, product_id),
    CHECK (quantity >= 0)
);
CREATE INDEX stock_product ON stock (product_id);

CREATE TABLE movements (
    txn_id      VARCHAR(36) NOT NULL,
    line_no     BIGINT NOT NULL,
    leg         BIGINT NOT NULL,
    location_id VARCHAR(36) NOT NULL,
    product_id  VARCHAR(36) NOT NULL,
    delta       BIGINT NOT NULL,
    at          BIGINT NOT NULL,
    PRIMARY KEY (txn_id, line_no, leg)
);
CREATE INDEX movements_stock ON movements (location_id, product_id, at);
CREATE INDEX movements_product ON movements (product_id, at);

CREATE TABLE outcomes (
    txn_id  VARCHAR(36) PRIMARY KEY,
    outcome VARCHAR(16) NOT NULL,
    reason  TEXT,
    at      BIGINT NOT NULL
);

CREATE TABLE audit_log (
    id        VARCHAR(36) PRIMARY KEY,
    at        BIGINT NOT NULL,
    actor     VARCHAR(254) NOT NULL,
    entity    VARCHAR(32) NOT NULL,
    entity_id VARCHAR(64) NOT NULL,
    action    VARCHAR(32) NOT NULL,
    before_json TEXT,
    after_json  TEXT
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);
