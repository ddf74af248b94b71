-- The value of all stock, as the dashboard defines it (per row with stock: quantity in
-- milli-units times the mirrored price in cents, sub-cent part dropped), kept in step by
-- triggers: the dashboard reads one row instead of summing every stock row. Computed in
-- DECIMAL so that no quantity and price a posting accepts can overflow inside the posting
-- (MySQL's BIGINT arithmetic fails on overflow, and its `/` is not integer division).
CREATE TABLE stock_value (
    id    BIGINT PRIMARY KEY,
    value DECIMAL(65, 0) NOT NULL
);
INSERT INTO stock_value (id, value)
    SELECT 1, COALESCE(SUM(TRUNCATE(CAST(quantity AS DECIMAL(65, 0)) * price / 1000, 0)), 0) FROM stock WHERE quantity > 0;
CREATE TRIGGER stock_value_ai AFTER INSERT ON stock FOR EACH ROW
    UPDATE stock_value SET value = value + (CASE WHEN NEW.quantity > 0 THEN TRUNCATE(CAST(NEW.quantity AS DECIMAL(65, 0)) * NEW.price / 1000, 0) ELSE 0 END) WHERE id = 1;
CREATE TRIGGER stock_value_ad AFTER DELETE ON stock FOR EACH ROW
    UPDATE stock_value SET value = value - (CASE WHEN OLD.quantity > 0 THEN TRUNCATE(CAST(OLD.quantity AS DECIMAL(65, 0)) * OLD.price / 1000, 0) ELSE 0 END) WHERE id = 1;
CREATE TRIGGER stock_value_au AFTER UPDATE ON stock FOR EACH ROW
    UPDATE stock_value SET value = value
        + (CASE WHEN NEW.quantity > 0 THEN TRUNCATE(CAST(NEW.quantity AS DECIMAL(65, 0)) * NEW.price / 1000, 0) ELSE 0 END)
        - (CASE WHEN OLD.quantity > 0 THEN TRUNCATE(CAST(OLD.quantity AS DECIMAL(65, 0)) * OLD.price / 1000, 0) ELSE 0 END)
    WHERE id = 1 AND (NEW.quantity <> OLD.quantity OR NEW.price <> OLD.price);
