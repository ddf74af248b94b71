-- The value of all stock, as the dashboard defines it (per row with stock: quantity in
-- milli-units times the mirrored price in cents, sub-cent part dropped), kept in step by a
-- trigger: the dashboard reads one row instead of summing every stock row. Computed in
-- NUMERIC so that no quantity and price a posting accepts can overflow inside the posting.
CREATE TABLE stock_value (
    id    BIGINT PRIMARY KEY,
    value NUMERIC NOT NULL
);
INSERT INTO stock_value (id, value)
    SELECT 1, COALESCE(SUM(trunc(quantity::numeric * price / 1000)), 0) FROM stock WHERE quantity > 0;
CREATE FUNCTION stock_value_step() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    delta NUMERIC := 0;
BEGIN
    IF TG_OP <> 'DELETE' AND NEW.quantity > 0 THEN
        delta := delta + trunc(NEW.quantity::numeric * NEW.price / 1000);
    END IF;
    IF TG_OP <> 'INSERT' AND OLD.quantity > 0 THEN
        delta := delta - trunc(OLD.quantity::numeric * OLD.price / 1000);
    END IF;
    IF delta <> 0 THEN
        UPDATE stock_value SET value = value + delta WHERE id = 1;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER stock_value_step AFTER INSERT OR DELETE OR UPDATE OF quantity, price ON stock
    FOR EACH ROW EXECUTE FUNCTION stock_value_step();
