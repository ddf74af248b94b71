-- Substring search over product names. MariaDB has no trigram index of its own (SQLite has
-- FTS5's, PostgreSQL pg_trgm), so `product_trigrams` is one: a row per distinct
-- three-character window of a product's name_norm, kept in step by the triggers below, so
-- that every way a product is written (one at a time, CSV import, demo and bench bulk loads)
-- indexes it and none can forget to.
--
-- Windows holding a space are left out: a search word never contains whitespace (the query
-- splits on it), so such a window is never looked up.
--
-- The table refers to a product by a number private to this index (`products.search_no`),
-- not by its 36-character id: at a million products the table has some 17 million rows, and
-- the number halves its size and more than halves the time triggers take to fill it. The number is
-- assigned by the database and never leaves it; gudang's ids stay what they are everywhere.
-- Numbers grow with each insert, so a new product's rows append at the end of each gram's
-- index range instead of splitting pages at random.
--
-- Written to be run again after a failure part-way (MariaDB's DDL commits as it goes, so a
-- failed run leaves what it made): each step skips what is already there.
CREATE TABLE IF NOT EXISTS trigram_positions (
    i SMALLINT PRIMARY KEY
);
-- 1..198: every window of a name of at most 200 characters.
INSERT INTO trigram_positions (i)
    WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 198)
    SELECT i FROM n
    ON DUPLICATE KEY UPDATE i = trigram_positions.i;

ALTER TABLE products
    ADD COLUMN IF NOT EXISTS search_no BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    ADD UNIQUE KEY IF NOT EXISTS products_search_no (search_no);

CREATE TABLE IF NOT EXISTS product_trigrams (
    gram       VARCHAR(3) NOT NULL,
    product_no BIGINT UNSIGNED NOT NULL,
    PRIMARY KEY (gram, product_no)
);

-- One statement per product rather than a loop of one insert per window: stored-program
-- statements are slow, and this is what a bulk load of a million products waits on.
-- A gram twice in one name is one row (the duplicate updates nothing).
CREATE OR REPLACE TRIGGER product_trigrams_ai AFTER INSERT ON products FOR EACH ROW
    INSERT INTO product_trigrams (gram, product_no)
        SELECT SUBSTRING(NEW.name_norm, t.i, 3), NEW.search_no
        FROM trigram_positions t
        WHERE t.i <= CHAR_LENGTH(NEW.name_norm) - 2
            AND LOCATE(' ', SUBSTRING(NEW.name_norm, t.i, 3)) = 0
        ON DUPLICATE KEY UPDATE gram = product_trigrams.gram;

-- A rename deletes the old name's rows by key (there is no index by product: it would double
-- the table for the sake of renames) and inserts the new name's.
CREATE OR REPLACE TRIGGER product_trigrams_au AFTER UPDATE ON products FOR EACH ROW
BEGIN
    IF NEW.name_norm <> OLD.name_norm OR NEW.search_no <> OLD.search_no THEN
        DELETE g FROM trigram_positions t
            JOIN product_trigrams g
                ON g.gram = SUBSTRING(OLD.name_norm, t.i, 3) AND g.product_no = OLD.search_no
            WHERE t.i <= CHAR_LENGTH(OLD.name_norm) - 2;
        INSERT INTO product_trigrams (gram, product_no)
            SELECT SUBSTRING(NEW.name_norm, t.i, 3), NEW.search_no
            FROM trigram_positions t
            WHERE t.i <= CHAR_LENGTH(NEW.name_norm) - 2
                AND LOCATE(' ', SUBSTRING(NEW.name_norm, t.i, 3)) = 0
            ON DUPLICATE KEY UPDATE gram = product_trigrams.gram;
    END IF;
END;

CREATE OR REPLACE TRIGGER product_trigrams_ad AFTER DELETE ON products FOR EACH ROW
    DELETE g FROM trigram_positions t
        JOIN product_trigrams g
            ON g.gram = SUBSTRING(OLD.name_norm, t.i, 3) AND g.product_no = OLD.search_no
        WHERE t.i <= CHAR_LENGTH(OLD.name_norm) - 2;

-- Products already there (a database created before this migration; the triggers, made
-- first, cover any written meanwhile). Product by product, as the triggers do it, so each
-- gram's rows append in order; sorting all the rows first would need a temporary table the
-- size of the index.
INSERT INTO product_trigrams (gram, product_no)
    SELECT STRAIGHT_JOIN SUBSTRING(p.name_norm, t.i, 3), p.search_no
    FROM products p JOIN trigram_positions t ON t.i <= CHAR_LENGTH(p.name_norm) - 2
    WHERE LOCATE(' ', SUBSTRING(p.name_norm, t.i, 3)) = 0
    ON DUPLICATE KEY UPDATE gram = product_trigrams.gram;
