-- master shard: users, categories, units, products, audit log.
CREATE TABLE users (
    id            VARCHAR(36) PRIMARY KEY,
    email         VARCHAR(254) NOT NULL UNIQUE,
    name          VARCHAR(200) NOT NULL,
    password_hash VARCHAR(255) NOT NULL,
    role          VARCHAR(16) NOT NULL,
    active        BIGINT NOT NULL DEFAULT 1,
    failed_logins BIGINT NOT NULL DEFAULT 0,
    last_failed_at BIGINT,
    locked        BIGINT NOT NULL DEFAULT 0,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);

CREATE TABLE categories (
    id         VARCHAR(36) PRIMARY KEY,
    name       VARCHAR(200) NOT NULL,
    name_norm  VARCHAR(200) NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);

CREATE TABLE units (
    id         VARCHAR(36) PRIMARY KEY,
    code       VARCHAR(64) NOT NULL,
    code_norm  VARCHAR(64) NOT NULL UNIQUE,
    name       VARCHAR(200) NOT NULL,
    decimals   BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);

CREATE TABLE products (
    id          VARCHAR(36) PRIMARY KEY,
    sku         VARCHAR(64) NOT NULL,
    sku_norm    VARCHAR(64) NOT NULL UNIQUE,
    barcode     VARCHAR(64) UNIQUE,
    name        VARCHAR(200) NOT NULL,
    name_norm   VARCHAR(200) NOT NULL,
    category_id VARCHAR(36) REFERENCES categories(id),
    unit_id     VARCHAR(36) NOT NULL REFERENCES units(id),
    price       BIGINT NOT NULL DEFAULT 0,
    min_qty     BIGINT NOT NULL DEFAULT 0,
    active      BIGINT NOT NULL DEFAULT 1,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX products_name_norm ON products (name_norm);
CREATE INDEX products_category ON products (category_id);

CREATE TABLE audit_log (
    id        VARCHAR(36) PRIMARY KEY,
    at        BIGINT NOT NULL,
    actor     VARCHAR(254) NOT NULL,
    entity    VARCHAR(32) NOT NULL,
    entity_id VARCHAR(36) NOT NULL,
    action    VARCHAR(32) NOT NULL,
    before_json TEXT,
    after_json  TEXT
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);
