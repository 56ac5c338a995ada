-- SQLite's json_array(...) for the week slices (src/db/slices.rs), PostgreSQL only: the SQLite file
-- of the same version is empty. PostgreSQL 15 has no variadic function over mixed argument types
-- that SQL can define, so there is one overload per column list a slice kind selects; each returns
-- the JSON text of the array (json_group_array, migration 17, keeps it as JSON). PostgreSQL writes
-- `[1, 2]` where SQLite writes `[1,2]`: the slices' readers decode both the same.

-- spans: created_at, closed_at
CREATE FUNCTION json_array(a1 bigint, a2 bigint) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT json_build_array(a1, a2)::text $$;

-- open: is_pull_request, created_at, author_is_bot
CREATE FUNCTION json_array(a1 bigint, a2 bigint, a3 bigint) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT json_build_array(a1, a2, a3)::text $$;

-- closed: is_pull_request, created_at, closed_at, merged_at, author_is_bot
CREATE FUNCTION json_array(a1 bigint, a2 bigint, a3 bigint, a4 bigint, a5 bigint) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT json_build_array(a1, a2, a3, a4, a5)::text $$;

-- prs, prs_closed: id, closed_any, created_at, closed_at, merged_at, author_is_bot
CREATE FUNCTION json_array(a1 bigint, a2 bigint, a3 bigint, a4 bigint, a5 bigint, a6 bigint) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT json_build_array(a1, a2, a3, a4, a5, a6)::text $$;

-- items: is_pull_request, created_at, clock_start, the four first responses, author_first_at,
-- author_is_maintainer, author_is_bot
CREATE FUNCTION json_array(a1 bigint, a2 bigint, a3 bigint, a4 bigint, a5 bigint, a6 bigint, a7 bigint, a8 bigint, a9 bigint, a10 bigint) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT json_build_array(a1, a2, a3, a4, a5, a6, a7, a8, a9, a10)::text $$;

-- last_seen: login, last_at
CREATE FUNCTION json_array(a1 text, a2 bigint) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT json_build_array(a1, a2)::text $$;

-- people: week, account_id, login, is_bot, is_maintainer and the ten counts
CREATE FUNCTION json_array(a1 bigint, a2 bigint, a3 text, a4 bigint, a5 bigint, a6 bigint, a7 bigint, a8 bigint, a9 bigint, a10 bigint, a11 bigint, a12 bigint, a13 bigint, a14 bigint, a15 bigint) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT json_build_array(a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15)::text $$;
