-- Nothing to do on SQLite: json_array is built in. This version gives PostgreSQL json_array for the
-- argument types the week slices use (migrations/postgres/20261206000018_json_array.sql).
SELECT 1;
