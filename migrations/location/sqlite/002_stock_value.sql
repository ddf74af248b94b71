-- The value of all stock, as the dashboard defines it (per row with stock: quantity in
-- milli-units times the mirrored price in cents, sub-cent part dropped), kept in step by
-- triggers: the dashboard reads one row instead of summing every stock row.
CREATE TABLE stock_value (
    id    BIGINT PRIMARY KEY,
    value BIGINT NOT NULL
);
INSERT INTO stock_value (id, value)
    SELECT 1, CAST(COALESCE(SUM(quantity * price / 1000), 0) AS BIGINT) FROM stock WHERE quantity > 0;
CREATE TRIGGER stock_value_ai AFTER INSERT ON stock BEGIN
    UPDATE stock_value SET value = value + (CASE WHEN NEW.quantity > 0 THEN NEW.quantity * NEW.price / 1000 ELSE 0 END) WHERE id = 1;
END;
CREATE TRIGGER stock_value_ad AFTER DELETE ON stock BEGIN
    UPDATE stock_value SET value = value - (CASE WHEN OLD.quantity > 0 THEN OLD.quantity * OLD.price / 1000 ELSE 0 END) WHERE id = 1;
END;
CREATE TRIGGER stock_value_au AFTER UPDATE OF quantity, price ON stock
    WHEN NEW.quantity <> OLD.quantity OR NEW.price <> OLD.price BEGIN
    UPDATE stock_value SET value = value
        + (CASE WHEN NEW.quantity > 0 THEN NEW.quantity * NEW.price / 1000 ELSE 0 END)
        - (CASE WHEN OLD.quantity > 0 THEN OLD.quantity * OLD.price / 1000 ELSE 0 END) WHERE id = 1;
END;
