-- SQLite's JSON functions, as the store's statements use them, so that one statement text serves
-- both backends (src/db/sql.rs). PostgreSQL only: the SQLite file of the same version is empty.
-- Statements pass lists as JSON text (a bound parameter or a TEXT column), never as json/jsonb.
--
-- json_each(text): the elements of a JSON array, each as `value` text: a string's own text, a
-- number's digits, a nested array or object as its JSON text (SQLite gives the same text for
-- strings and nested values; it gives numbers as numbers, which the statements CAST).
CREATE FUNCTION json_each(list text) RETURNS TABLE (value text)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE jsonb_typeof(e.v) WHEN 'string' THEN e.v #>> '{}' WHEN 'null' THEN NULL ELSE e.v::text END
    FROM jsonb_array_elements(list::jsonb) AS e(v)
$$;

-- `doc -> n` and `doc ->> n` on JSON text (SQLite's operators on its JSON text): the n-th element
-- of an array as JSON text, or as the element's own text.
CREATE FUNCTION upkeep_json_element(doc text, n integer) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT ((doc::jsonb) -> n)::text $$;
CREATE FUNCTION upkeep_json_element_text(doc text, n integer) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT (doc::jsonb) ->> n $$;
CREATE OPERATOR -> (LEFTARG = text, RIGHTARG = integer, FUNCTION = upkeep_json_element);
CREATE OPERATOR ->> (LEFTARG = text, RIGHTARG = integer, FUNCTION = upkeep_json_element_text);

-- json_group_array(x): the group's values as one JSON array text, `[]` for none; an element that
-- is itself JSON text (from json_array) is kept as JSON.
CREATE FUNCTION upkeep_json_group_step(acc text, x text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN acc IS NULL THEN '' ELSE acc || ',' END || COALESCE(x, 'null')
$$;
CREATE FUNCTION upkeep_json_group_final(acc text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT '[' || COALESCE(acc, '') || ']' $$;
CREATE AGGREGATE json_group_array(text) (
    SFUNC = upkeep_json_group_step, STYPE = text, FINALFUNC = upkeep_json_group_final, FINALFUNC_MODIFY = READ_ONLY
);

-- json_extract(doc, '$."key"') (or '$.key'): a member of a JSON object, as text (the statements
-- CAST it).
CREATE FUNCTION json_extract(doc text, path text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT (doc::jsonb) ->> CASE WHEN path LIKE '$."%"' THEN substr(path, 4, length(path) - 4) ELSE substr(path, 3) END
$$;
