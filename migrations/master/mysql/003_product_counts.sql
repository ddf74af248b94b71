-- How many products there are, and how many active, kept in step by triggers: the dashboard
-- reads one row instead of counting a million.
CREATE TABLE product_counts (
    id       BIGINT PRIMARY KEY,
    products BIGINT NOT NULL,
    active   BIGINT NOT NULL
);
INSERT INTO product_counts (id, products, active)
    SELECT 1, COUNT(*), COALESCE(SUM(CASE WHEN active = 1 THEN 1 ELSE 0 END), 0) FROM products;
CREATE TRIGGER product_counts_ai AFTER INSERT ON products FOR EACH ROW
    UPDATE product_counts SET products = products + 1, active = active + (CASE WHEN NEW.active = 1 THEN 1 ELSE 0 END) WHERE id = 1;
CREATE TRIGGER product_counts_ad AFTER DELETE ON products FOR EACH ROW
    UPDATE product_counts SET products = products - 1, active = active - (CASE WHEN OLD.active = 1 THEN 1 ELSE 0 END) WHERE id = 1;
CREATE TRIGGER product_counts_au AFTER UPDATE ON products FOR EACH ROW
    UPDATE product_counts SET active = active + (CASE WHEN NEW.active = 1 THEN 1 ELSE 0 END) - (CASE WHEN OLD.active = 1 THEN 1 ELSE 0 END) WHERE id = 1 AND NEW.active <> OLD.active;
