-- Backups (docs/backup.md): the three shards of a backup are taken one after another, so the
-- location shard may be newer than the transaction shard and hold decisions whose journal entry
-- the transaction snapshot lacks and whose outbox entry is already gone. A journaled entry is
-- therefore kept for a while (`backup.outbox_retention_hours`) instead of vanishing: the delete
-- that drops it from the outbox moves it here, in the same transaction, wherever that delete is
-- written (a trigger, so every path that clears the outbox keeps what it clears). Readers of
-- the outbox see no change. The periodic recovery purges rows past the retention; a restore
-- journals again the retained rows its transaction snapshot lacks.
--
-- A rowid table, unlike the outbox: a document (about a kilobyte) fits in a table leaf but
-- not in the leaf of a WITHOUT ROWID table's b-tree, where it would spill to an overflow page
-- on the commit clerks wait on. Rows arrive in time order, so both the table and the index
-- grow at their right edge, and the purge removes a prefix of the index.
CREATE TABLE outbox_done (
    journaled_at BIGINT NOT NULL,
    txn_id       VARCHAR(36) NOT NULL,
    doc          TEXT NOT NULL,
    at           BIGINT NOT NULL
);
CREATE INDEX outbox_done_time ON outbox_done (journaled_at, txn_id);

CREATE TRIGGER outbox_keep AFTER DELETE ON outbox BEGIN
    INSERT INTO outbox_done (journaled_at, txn_id, doc, at)
        VALUES (CAST(unixepoch('subsec') * 1000000 AS INTEGER), old.txn_id, old.doc, old.at);
END;
