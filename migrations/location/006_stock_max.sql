-- A maximum beside the minimum of each stock row (NULL: none), for reorder suggestions
-- (bring a row up to its maximum) and for the surplus another location could transfer. Set
-- per location with `gudang stock limits`; postings never touch it, and no index is added:
-- the reorder report reads the stock rows it needs by location or product.
ALTER TABLE stock ADD COLUMN max_qty BIGINT;
