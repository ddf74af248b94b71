-- Keyset paging of the product table: one index per order the table offers (the id breaks
-- ties), with and without a category filter, so any page, the last one included, is a short
-- index range. They take over the single-column indexes on name and category.
CREATE INDEX products_name_id ON products (name_norm, id);
CREATE INDEX products_price_id ON products (price, id);
CREATE INDEX products_updated_id ON products (updated_at, id);
CREATE INDEX products_cat_sku ON products (category_id, sku_norm);
CREATE INDEX products_cat_name_id ON products (category_id, name_norm, id);
CREATE INDEX products_cat_price_id ON products (category_id, price, id);
CREATE INDEX products_cat_updated_id ON products (category_id, updated_at, id);
DROP INDEX products_name_norm;
DROP INDEX products_category;
