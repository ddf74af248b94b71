-- Backups (docs/backup.md): the table that keeps journaled outbox entries for a while. On
-- MariaDB/MySQL no trigger fills it: a server with binary logging (every replicated one) refuses
-- CREATE TRIGGER to a user without SUPER unless log_bin_trust_function_creators is set, and a
-- migration must not depend on that. Back a MariaDB deployment up with the engine's tools in the
-- order docs/backup.md gives; `gudang check` reports what a gap left.
CREATE TABLE outbox_done (
    journaled_at BIGINT NOT NULL,
    txn_id       VARCHAR(36) NOT NULL,
    doc          LONGTEXT NOT NULL,
    at           BIGINT NOT NULL,
    PRIMARY KEY (journaled_at, txn_id)
);
