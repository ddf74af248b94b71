-- Substring search over product names: an FTS5 trigram index kept in step by triggers.
CREATE VIRTUAL TABLE products_fts USING fts5(name_norm, content='products', content_rowid='rowid', tokenize='trigram');
CREATE TRIGGER products_fts_ai AFTER INSERT ON products BEGIN
    INSERT INTO products_fts(rowid, name_norm) VALUES (new.rowid, new.name_norm);
END;
CREATE TRIGGER products_fts_ad AFTER DELETE ON products BEGIN
    INSERT INTO products_fts(products_fts, rowid, name_norm) VALUES ('delete', old.rowid, old.name_norm);
END;
CREATE TRIGGER products_fts_au AFTER UPDATE OF name_norm ON products BEGIN
    INSERT INTO products_fts(products_fts, rowid, name_norm) VALUES ('delete', old.rowid, old.name_norm);
    INSERT INTO products_fts(rowid, name_norm) VALUES (new.rowid, new.name_norm);
END;
