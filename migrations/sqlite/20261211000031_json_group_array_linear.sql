-- Nothing to do on SQLite, whose json_group_array is built in: this version makes PostgreSQL's
-- (migration 17) linear (migrations/postgres/20261211000031_json_group_array_linear.sql).
SELECT 1;
