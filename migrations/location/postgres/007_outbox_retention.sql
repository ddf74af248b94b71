-- Backups (docs/backup.md): a journaled outbox entry is kept for a while
-- (`backup.outbox_retention_hours`) instead of vanishing, so that a location shard backed up
-- after its transaction shard can have its journal finished on restore. The delete that drops
-- it from the outbox moves it here in the same transaction (a trigger, so every path that clears
-- the outbox keeps what it clears); the periodic recovery purges rows past the retention.
CREATE TABLE outbox_done (
    journaled_at BIGINT NOT NULL,
    txn_id       VARCHAR(36) NOT NULL,
    doc          TEXT NOT NULL,
    at           BIGINT NOT NULL,
    PRIMARY KEY (journaled_at, txn_id)
);

CREATE FUNCTION outbox_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO outbox_done (journaled_at, txn_id, doc, at)
        VALUES ((EXTRACT(EPOCH FROM clock_timestamp()) * 1000000)::BIGINT, OLD.txn_id, OLD.doc, OLD.at)
        ON CONFLICT DO NOTHING;
    RETURN OLD;
END
$$;

CREATE TRIGGER outbox_keep AFTER DELETE ON outbox FOR EACH ROW EXECUTE FUNCTION outbox_keep();
