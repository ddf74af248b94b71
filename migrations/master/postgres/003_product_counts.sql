-- How many products there are, and how many active, kept in step by a trigger: the dashboard
-- reads one row instead of counting a million.
CREATE TABLE product_counts (
    id       BIGINT PRIMARY KEY,
    products BIGINT NOT NULL,
    active   BIGINT NOT NULL
);
INSERT INTO product_counts (id, products, active)
    SELECT 1, COUNT(*), COALESCE(SUM(CASE WHEN active = 1 THEN 1 ELSE 0 END), 0) FROM products;
CREATE FUNCTION product_counts_step() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE product_counts SET products = products + 1, active = active + (CASE WHEN NEW.active = 1 THEN 1 ELSE 0 END) WHERE id = 1;
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE product_counts SET products = products - 1, active = active - (CASE WHEN OLD.active = 1 THEN 1 ELSE 0 END) WHERE id = 1;
    ELSE
        UPDATE product_counts SET active = active + (CASE WHEN NEW.active = 1 THEN 1 ELSE 0 END) - (CASE WHEN OLD.active = 1 THEN 1 ELSE 0 END) WHERE id = 1;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER product_counts_step AFTER INSERT OR DELETE OR UPDATE OF active ON products
    FOR EACH ROW EXECUTE FUNCTION product_counts_step();
