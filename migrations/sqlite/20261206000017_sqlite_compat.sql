-- Nothing to do on SQLite: this version gives PostgreSQL the JSON functions SQLite has built in
-- (json_each, ->, ->>, json_group_array, json_extract), so one statement text serves both backends
-- (migrations/postgres/20261206000017_sqlite_compat.sql).
SELECT 1;
