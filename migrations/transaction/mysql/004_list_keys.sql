-- Keyset paging of the transaction list (newest first, the id breaking ties), with and without
-- a kind or status filter. They replace the indexes on (created_at), (kind, created_at) and
-- (status, created_at), so a posting writes no more index entries than before.
CREATE INDEX transactions_created_id ON transactions (created_at, id);
CREATE INDEX transactions_kind_created_id ON transactions (kind, created_at, id);
CREATE INDEX transactions_status_created_id ON transactions (status, created_at, id);
DROP INDEX transactions_created ON transactions;
DROP INDEX transactions_kind ON transactions;
DROP INDEX transactions_status ON transactions;
