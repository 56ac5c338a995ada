-- Each week slice's stamp: a random number written with its rows (src/db/slices.rs), new at every
-- rebuild of the row, 0 for none. A server keeps the slices it decoded in memory under their stamps
-- (src/db/slices/cache.rs) and reads only the stamps of a window's weeks, through this index
-- (without touching the rows), to know which it holds already; a rebuilt week has a new stamp and
-- is read again. The stamp identifies the rows, so a copied database keeps them.
ALTER TABLE week_slices ADD COLUMN built BIGINT NOT NULL DEFAULT 0;
CREATE INDEX week_slice_stamps ON week_slices (repo_id, kind, week, built);
