-- Substring search over product names. MariaDB has no trigram index of its own (SQLite has
-- FTS5's, PostgreSQL pg_trgm), so this table is one: a row per distinct three-character
-- window of a product's name_norm, kept in step by the triggers below, so that every way a
-- product is written (one at a time, CSV import, demo and bench bulk loads) indexes it.
--
-- Windows holding a space are left out: a search word never contains whitespace (the query
-- splits on it), so such a window is never looked up. The key is the gram first, so all
-- products holding a gram are one index range; gudang's ids are time-ordered, so new products
-- append at the end of each gram's range rather than splitting pages at random.
CREATE TABLE product_trigrams (
    gram       VARCHAR(3) NOT NULL,
    product_id VARCHAR(36) NOT NULL,
    PRIMARY KEY (gram, product_id)
);

-- Products already there (a database created before this migration).
INSERT INTO product_trigrams (gram, product_id)
    WITH RECURSIVE pos (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM pos WHERE i < 198)
    SELECT SUBSTRING(p.name_norm, pos.i, 3), p.id
    FROM products p JOIN pos ON pos.i <= CHAR_LENGTH(p.name_norm) - 2
    WHERE LOCATE(' ', SUBSTRING(p.name_norm, pos.i, 3)) = 0
    ON DUPLICATE KEY UPDATE gram = product_trigrams.gram;

CREATE TRIGGER product_trigrams_ai AFTER INSERT ON products FOR EACH ROW
BEGIN
    DECLARE i INT DEFAULT 1;
    WHILE i <= CHAR_LENGTH(NEW.name_norm) - 2 DO
        IF LOCATE(' ', SUBSTRING(NEW.name_norm, i, 3)) = 0 THEN
            -- A gram twice in one name is one row.
            INSERT INTO product_trigrams (gram, product_id) VALUES (SUBSTRING(NEW.name_norm, i, 3), NEW.id)
                ON DUPLICATE KEY UPDATE gram = gram;
        END IF;
        SET i = i + 1;
    END WHILE;
END;

-- The old name's grams are deleted by key (there is no index by product: it would double the
-- table for the sake of renames), then the new name's inserted.
CREATE TRIGGER product_trigrams_au AFTER UPDATE ON products FOR EACH ROW
BEGIN
    DECLARE i INT DEFAULT 1;
    IF NEW.name_norm <> OLD.name_norm OR NEW.id <> OLD.id THEN
        WHILE i <= CHAR_LENGTH(OLD.name_norm) - 2 DO
            DELETE FROM product_trigrams WHERE gram = SUBSTRING(OLD.name_norm, i, 3) AND product_id = OLD.id;
            SET i = i + 1;
        END WHILE;
        SET i = 1;
        WHILE i <= CHAR_LENGTH(NEW.name_norm) - 2 DO
            IF LOCATE(' ', SUBSTRING(NEW.name_norm, i, 3)) = 0 THEN
                INSERT INTO product_trigrams (gram, product_id) VALUES (SUBSTRING(NEW.name_norm, i, 3), NEW.id)
                    ON DUPLICATE KEY UPDATE gram = gram;
            END IF;
            SET i = i + 1;
        END WHILE;
    END IF;
END;

CREATE TRIGGER product_trigrams_ad AFTER DELETE ON products FOR EACH ROW
BEGIN
    DECLARE i INT DEFAULT 1;
    WHILE i <= CHAR_LENGTH(OLD.name_norm) - 2 DO
        DELETE FROM product_trigrams WHERE gram = SUBSTRING(OLD.name_norm, i, 3) AND product_id = OLD.id;
        SET i = i + 1;
    END WHILE;
END;
