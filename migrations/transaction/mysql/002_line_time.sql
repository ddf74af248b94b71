-- Product history is read from the journal (newest first per product), so the location shard
-- need not index its movements by product. Each line carries the time of its posting's decision.
ALTER TABLE transaction_lines ADD COLUMN at BIGINT;
UPDATE transaction_lines SET at = (
    SELECT COALESCE(t.decided_at, t.created_at) FROM transactions t WHERE t.id = transaction_lines.txn_id
);
DROP INDEX transaction_lines_product ON transaction_lines;
CREATE INDEX transaction_lines_product ON transaction_lines (product_id, at);
