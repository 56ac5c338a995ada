#!/usr/bin/env python3
"""The SQLite and PostgreSQL schemas agree (issue #14): same catalog, same trigger marks.

Applies migrations/*.sql (or migrations/sqlite/*.sql) to a fresh SQLite file and migrations/postgres/*.sql to a fresh
PostgreSQL database (made beside the one UPKEEP_TEST_POSTGRES_URL names, dropped afterwards),
then:

1. compares the catalogs: tables; columns in order with nullability, a compatible type
   (INTEGER/bigint, TEXT/text, REAL/double precision, BLOB/bytea) and default; primary keys,
   unique constraints and indexes, and the other indexes by column list (with `COLLATE NOCASE`,
   which PostgreSQL has as an ICU collation of that name), direction and partial predicate; CHECK constraints; triggers by
   name, table, timing, event (with UPDATE OF columns) and whether they have a WHEN;
2. runs one scripted workload on both (repositories, accounts, issues and pull requests opened,
   closed, merged, moved between repositories; comments, reviews, review comments, releases,
   contributor weeks, commits, timelines; updates that must and must not mark; deletions), and
   after every step compares the trigger-written tables (rollup_dirty, newcomer_dirty) and every
   other table row for row, then clears the marks, so each step's marks are checked alone.

Exits 1 with a diff on any mismatch, 2 on a usage or setup error. psql drives PostgreSQL (no
driver needed): `.ci/postgres.sh start` prints the URL. Usage:

    UPKEEP_TEST_POSTGRES_URL=postgres://upkeep@127.0.0.1:PORT/upkeep_test python3 .ci/schema-parity.py [--keep]

--keep leaves the scratch database and SQLite file in place and prints where they are.
"""

import glob
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PSQL_TIMEOUT = 120  # seconds for one psql call; a hung server fails the check, not the CI job
MARK_TABLES = ("rollup_dirty", "newcomer_dirty")

# SQLite declared type -> PostgreSQL type (format_type) that stores the same values.
TYPES = {"INTEGER": "bigint", "TEXT": "text", "REAL": "double precision", "BLOB": "bytea"}


class SetupError(Exception):
    pass


# ---------------------------------------------------------------------------------------------
# PostgreSQL through psql


def find_psql():
    found = shutil.which("psql")
    if found:
        return found
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin/psql"), reverse=True):
        return candidate
    raise SetupError("psql not found (PATH, /usr/lib/postgresql/*/bin): run .ci/postgres.sh start")


class Pg:
    def __init__(self, psql, url):
        self.psql = psql
        self.url = url

    def run(self, sql):
        """Runs a script (stops at the first error); returns its stdout."""
        try:
            done = subprocess.run(
                [self.psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", self.url, "-f", "-"],
                input=sql,
                capture_output=True,
                text=True,
                timeout=PSQL_TIMEOUT,
                env=dict(os.environ, PGCONNECT_TIMEOUT="10"),
            )
        except subprocess.TimeoutExpired:
            raise SetupError(f"psql did not finish in {PSQL_TIMEOUT} s")
        if done.returncode != 0:
            raise SetupError(f"psql failed:\n{done.stderr.strip()}\n-- in:\n{sql[:2000]}")
        return done.stdout

    def dump(self, script_before, queries):
        """Runs `script_before`, then each named query; returns {name: [row tuples]}."""
        parts = [script_before]
        for name, query in queries.items():
            parts.append(f"\\echo @@@ {name}\nCOPY ({query}) TO STDOUT;\n")
        out = self.run("\n".join(parts))
        result, current = {}, None
        for line in out.split("\n"):
            if line.startswith("@@@ "):
                current = line[4:]
                result[current] = []
            elif current is not None and line != "":
                result[current].append(tuple(unescape_copy(v) for v in line.split("\t")))
        missing = set(queries) - set(result)
        if missing:
            raise SetupError(f"psql gave no output for {sorted(missing)}")
        return result


def unescape_copy(value):
    """A field of COPY's text format: \\N is NULL, backslash escapes as COPY writes them."""
    if value == "\\N":
        return None
    escapes = {"\\": "\\", "t": "\t", "n": "\n", "r": "\r", "b": "\b", "f": "\f", "v": "\v"}
    return re.sub(r"\\(.)", lambda m: escapes.get(m.group(1), m.group(1)), value)


def scratch_url(url, name):
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path="/" + name))


# ---------------------------------------------------------------------------------------------
# Catalogs, as comparable dictionaries


def norm_predicate(text):
    """A partial index's WHERE, without the parentheses and spacing each database adds."""
    if text is None:
        return None
    text = re.sub(r"::text\b", "", text)  # PostgreSQL's 'closed'::text
    return re.sub(r"[\s()]+", " ", text).strip().lower()


def norm_default(text):
    if text is None:
        return None
    text = re.sub(r"::[a-z ]+$", "", text.strip())  # PostgreSQL's '[]'::text
    while text.startswith("(") and text.endswith(")"):
        text = text[1:-1]
    return text


TRIGGER_HEAD = re.compile(
    r"CREATE TRIGGER\s+(\S+)\s+(BEFORE|AFTER|INSTEAD OF)\s+(INSERT|UPDATE|DELETE)(?:\s+OF\s+(.+?))?\s+ON\s+(\S+)(.*)",
    re.S | re.I,
)


def parse_trigger(sql):
    m = TRIGGER_HEAD.match(sql.strip())
    if not m:
        raise SetupError(f"cannot read the trigger: {sql[:200]}")
    name, timing, event, of_cols, table, rest = m.groups()
    cols = tuple(c.strip().lower() for c in of_cols.split(",")) if of_cols else ()
    table = table.split(".")[-1]
    has_when = re.match(r"\s*(FOR EACH ROW\s*)?WHEN\b", rest, re.I) is not None
    return name, {"table": table, "timing": timing.upper(), "event": event.upper(), "of": cols, "when": has_when}


def sqlite_catalog(db):
    cat = {"tables": {}, "keys": {}, "indexes": {}, "checks": {}, "triggers": {}}
    tables = [
        (n, s)
        for n, s in db.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    for table, create in tables:
        without_rowid = re.search(r"WITHOUT\s+ROWID\s*;?\s*$", create, re.I) is not None
        info = db.execute(f"PRAGMA table_info({table})").fetchall()
        pk_cols = [r for r in sorted(info, key=lambda r: r[5]) if r[5] > 0]
        rowid_alias = len(pk_cols) == 1 and pk_cols[0][2].upper() == "INTEGER" and not without_rowid
        autoinc = rowid_alias and re.search(r"AUTOINCREMENT", create, re.I) is not None
        columns = []
        for cid, name, decl, notnull, default, pk in info:
            # A primary key column holds no NULL in a WITHOUT ROWID table or as the rowid.
            not_null = bool(notnull) or (pk > 0 and (without_rowid or rowid_alias))
            columns.append(
                {
                    "name": name,
                    "type": TYPES.get(decl.upper(), "?" + decl),
                    "not_null": not_null,
                    "default": norm_default(default),
                    "assigned": autoinc and pk > 0,
                }
            )
        cat["tables"][table] = columns
        keys = {}
        if rowid_alias:
            keys["primary"] = (pk_cols[0][1],)
        for _seq, index, unique, origin, partial in db.execute(f"PRAGMA index_list({table})"):
            cols = []
            for row in db.execute(f"PRAGMA index_xinfo({index})"):
                _seqno, cid, cname, desc, coll, is_key = row
                if not is_key:
                    continue
                if cid == -2:
                    raise SetupError(f"index {index}: expression columns are not compared")
                col = f"{cname} collate nocase" if (coll or "").upper() == "NOCASE" else cname
                cols.append(col + (" DESC" if desc else ""))
            cols = tuple(cols)
            if origin == "pk":
                keys["primary"] = cols
            elif unique:
                keys.setdefault("unique", set()).add(cols)
            if origin == "c":
                pred = None
                if partial:
                    sql = db.execute("SELECT sql FROM sqlite_master WHERE name = ?", (index,)).fetchone()[0]
                    pred = norm_predicate(re.split(r"\bWHERE\b", sql, maxsplit=1, flags=re.I)[1])
                cat["indexes"][index] = {"table": table, "unique": bool(unique), "columns": cols, "where": pred}
        keys["unique"] = sorted(keys.get("unique", set()))
        cat["keys"][table] = keys
        cat["checks"][table] = len(re.findall(r"\bCHECK\s*\(", create, re.I))
    for _name, sql in db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name"):
        name, trig = parse_trigger(sql)
        cat["triggers"][name] = trig
    return cat


PG_CATALOG = {
    "columns": """
        SELECT c.relname, a.attnum, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
               pg_get_expr(d.adbin, d.adrelid), a.attidentity
        FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY 1, 2""",
    "indexes": """
        SELECT t.relname, i.relname, x.indisprimary, x.indisunique, pg_get_expr(x.indpred, x.indrelid),
               (SELECT string_agg(pg_get_indexdef(x.indexrelid, k, true)
                                  || CASE WHEN x.indcollation[k - 1] = (SELECT oid FROM pg_collation WHERE collname = 'nocase')
                                          THEN ' collate nocase' ELSE '' END
                                  || CASE WHEN (x.indoption[k - 1] & 1) = 1 THEN ' DESC' ELSE '' END, '|' ORDER BY k)
                FROM generate_series(1, x.indnkeyatts) AS k),
               EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid)
        FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
        JOIN pg_namespace n ON n.oid = t.relnamespace
        WHERE n.nspname = 'public'
        ORDER BY 1, 2""",
    "checks": """
        SELECT c.relname, count(k.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_constraint k ON k.conrelid = c.oid AND k.contype = 'c'
        WHERE n.nspname = 'public' AND c.relkind = 'r' GROUP BY 1 ORDER BY 1""",
    "triggers": """
        SELECT t.tgname, pg_get_triggerdef(t.oid), (t.tgtype & 1) = 1
        FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND NOT t.tgisinternal ORDER BY 1""",
}


def pg_catalog(pg):
    rows = pg.dump("", PG_CATALOG)
    cat = {"tables": {}, "keys": {}, "indexes": {}, "checks": {}, "triggers": {}}
    for table, _num, name, typ, notnull, default, identity in rows["columns"]:
        cat["tables"].setdefault(table, []).append(
            {
                "name": name,
                "type": typ,
                "not_null": notnull == "t",
                "default": norm_default(default),
                "assigned": identity in ("a", "d"),
            }
        )
    for table in cat["tables"]:
        cat["keys"][table] = {"unique": []}
    for table, index, primary, unique, pred, cols, is_constraint in rows["indexes"]:
        cols = tuple(cols.split("|"))
        keys = cat["keys"].setdefault(table, {"unique": []})
        if primary == "t":
            keys["primary"] = cols
        elif unique == "t":
            keys["unique"].append(cols)
        if is_constraint != "t":
            cat["indexes"][index] = {
                "table": table,
                "unique": unique == "t",
                "columns": cols,
                "where": norm_predicate(pred),
            }
    for keys in cat["keys"].values():
        keys["unique"] = sorted(keys["unique"])
    for table, count in rows["checks"]:
        cat["checks"][table] = int(count)
    for name, definition, per_row in rows["triggers"]:
        if per_row != "t":
            cat["triggers"][name] = {"table": "?", "timing": "FOR EACH STATEMENT"}
            continue
        _name, trig = parse_trigger(definition)
        cat["triggers"][name] = trig
    return cat


def compare_catalogs(lite, pg):
    """Returns a list of differences, one line each."""
    diffs = []
    lt, pt = set(lite["tables"]), set(pg["tables"])
    for t in sorted(lt - pt):
        diffs.append(f"table {t}: only in SQLite")
    for t in sorted(pt - lt):
        diffs.append(f"table {t}: only in PostgreSQL")
    for t in sorted(lt & pt):
        lc, pc = lite["tables"][t], pg["tables"][t]
        lnames, pnames = [c["name"] for c in lc], [c["name"] for c in pc]
        if lnames != pnames:
            diffs.append(f"table {t}: columns differ\n  SQLite:     {lnames}\n  PostgreSQL: {pnames}")
            continue
        for a, b in zip(lc, pc):
            for field in ("type", "not_null", "default", "assigned"):
                if a[field] != b[field]:
                    diffs.append(f"column {t}.{a['name']}: {field} SQLite {a[field]!r}, PostgreSQL {b[field]!r}")
        lk, pk = lite["keys"][t], pg["keys"][t]
        if lk.get("primary") != pk.get("primary"):
            diffs.append(f"table {t}: primary key SQLite {lk.get('primary')}, PostgreSQL {pk.get('primary')}")
        if lk["unique"] != pk["unique"]:
            diffs.append(f"table {t}: unique keys SQLite {lk['unique']}, PostgreSQL {pk['unique']}")
        if lite["checks"].get(t) != pg["checks"].get(t):
            diffs.append(f"table {t}: CHECK constraints SQLite {lite['checks'].get(t)}, PostgreSQL {pg['checks'].get(t)}")
    li, pi = lite["indexes"], pg["indexes"]
    for name in sorted(set(li) | set(pi)):
        p = pi.get(name)
        if li.get(name) != p:
            diffs.append(f"index {name}: SQLite {li.get(name)}, PostgreSQL {pi.get(name)}")
    ltr, ptr = lite["triggers"], pg["triggers"]
    for name in sorted(set(ltr) | set(ptr)):
        if ltr.get(name) != ptr.get(name):
            diffs.append(f"trigger {name}: SQLite {ltr.get(name)}, PostgreSQL {ptr.get(name)}")
    return diffs


# ---------------------------------------------------------------------------------------------
# The workload: the same SQL text on both databases, step by step

DAY, WEEK = 86400, 604800
T = 1_717_000_000  # 2024-05-29, a Wednesday
EARLY = 100_000  # 1970-01-02: t - 259200 < 0, where `%` truncates toward zero in both


def issue_row(id, repo, number, pr, title, state, author, created, closed=None, merged=None, merged_by=None,
              labels="[]", first_at=None, first_by=None, draft=0):
    def v(x):
        return "NULL" if x is None else (f"'{x}'" if isinstance(x, str) else str(x))

    return (
        f"({id}, {repo}, {number}, 'N{id}', {pr}, {v(title)}, {v(state)}, NULL, {v(author)}, 'CONTRIBUTOR', "
        f"{v(labels)}, '[]', NULL, 0, {created}, {created + 60}, {v(closed)}, {draft}, {v(merged)}, {v(merged_by)}, "
        f"NULL, {v(first_at)}, {v(first_by)}, NULL)"
    )


ISSUE_COLS = (
    "id, repo_id, number, node_id, is_pull_request, title, state, state_reason, author_id, author_association, "
    "labels, assignees, milestone, comments, created_at, updated_at, closed_at, draft, merged_at, merged_by_id, "
    "ready_for_review_at, first_response_at, first_response_by, first_response_association"
)
ISSUE_UPSERT = " ON CONFLICT (id) DO UPDATE SET " + ", ".join(
    f"{c.strip()} = excluded.{c.strip()}" for c in ISSUE_COLS.split(",")[1:]
)

ISSUES = [
    issue_row(100, 1, 1, 0, "first issue", "closed", 10, T, closed=T + 3 * DAY, labels='["good first issue"]',
              first_at=T + 3600, first_by=11),
    issue_row(101, 1, 2, 1, "a pull request", "closed", 11, T + DAY, closed=T + 9 * DAY, merged=T + 9 * DAY,
              merged_by=12),
    issue_row(102, 1, 3, 0, "open issue", "open", 12, T + 2 * WEEK),
    issue_row(103, 2, 1, 1, "early draft", "open", 10, EARLY, draft=1),
    issue_row(104, 1, 4, 0, "by a ghost", "open", None, T + 3 * WEEK, labels='["help wanted"]'),
]

STEPS = [
    ("repositories and accounts", """
INSERT INTO repositories (id, owner, name, full_name, html_url, created_at, updated_at)
VALUES (1, 'acme', 'rocket', 'acme/rocket', 'https://github.com/acme/rocket', 1600000000, 1700000000),
       (2, 'acme', 'Sled', 'acme/Sled', 'https://github.com/acme/Sled', 1600000000, 1700000000);
INSERT INTO accounts (id, login, kind, name, is_bot)
VALUES (10, 'alice', 'User', 'Alice', 0), (11, 'bob', 'User', NULL, 0), (12, 'carol', 'User', 'Carol', 0),
       (13, 'dependabot[bot]', 'Bot', NULL, 1);
"""),
    ("issues and pull requests (one multi-row insert)",
     f"INSERT INTO issues ({ISSUE_COLS}) VALUES\n" + ",\n".join(ISSUES) + ";"),
    ("comments", f"""
INSERT INTO comments (id, repo_id, issue_number, author_id, author_association, created_at, updated_at)
VALUES (1000, 1, 1, 11, 'MEMBER', {T + 3600}, {T + 3600}),
       (1001, 1, 1, 10, 'CONTRIBUTOR', {T + 2 * DAY}, {T + 2 * DAY}),
       (1002, 1, 2, 12, 'OWNER', {T + 8 * DAY}, {T + 8 * DAY}),
       (1003, 1, 3, NULL, 'NONE', {T + 2 * WEEK + DAY}, {T + 2 * WEEK + DAY}),
       (1004, 2, 1, 11, 'MEMBER', {EARLY + 10}, {EARLY + 10});
"""),
    ("reviews", f"""
INSERT INTO reviews (id, repo_id, pr_number, author_id, author_association, state, submitted_at)
VALUES (2000, 1, 2, 12, 'OWNER', 'APPROVED', {T + 8 * DAY}),
       (2001, 1, 2, 10, 'CONTRIBUTOR', 'PENDING', NULL),
       (2002, 2, 1, 12, 'OWNER', 'COMMENTED', {EARLY + 20});
"""),
    ("review comments", f"""
INSERT INTO review_comments (id, repo_id, pr_number, review_id, author_id, author_association, created_at, updated_at)
VALUES (3000, 1, 2, 2000, 12, 'OWNER', {T + 8 * DAY}, {T + 8 * DAY}),
       (3001, 1, 2, NULL, 11, 'MEMBER', {T + 2 * WEEK}, {T + 2 * WEEK});
"""),
    ("releases", f"""
INSERT INTO releases (id, repo_id, tag_name, name, draft, prerelease, author_id, created_at, published_at)
VALUES (4000, 1, 'v1.0', 'One', 0, 0, 12, {T + DAY}, {T + 10 * DAY}),
       (4001, 1, 'v1.1', NULL, 1, 0, 12, {T + 3 * WEEK}, NULL);
"""),
    ("contributor weeks and commits", f"""
INSERT INTO contributor_weeks (repo_id, account_id, week, commits, additions, deletions)
VALUES (1, 10, {T - (T - 259200) % WEEK}, 3, 0, 0), (1, 11, {T - (T - 259200) % WEEK + WEEK}, 1, 0, 0),
       (2, 10, -259200, 2, 0, 0);
INSERT INTO commits (repo_id, sha, author_id, author_hash, authored_at, committed_at)
VALUES (1, 'aaa', 10, NULL, {T}, {T}), (1, 'bbb', NULL, 'h1', {T + DAY}, {T + DAY});
"""),
    ("repository people (for account marks)", f"""
INSERT INTO repo_people (repo_id, account_id, first_at, last_at, contributions, is_maintainer)
VALUES (1, 10, {T}, {T + 2 * DAY}, 3, 0), (1, 12, {T + DAY}, {T + 9 * DAY}, 4, 1), (2, 10, {EARLY}, {EARLY}, 1, 0);
"""),
    ("timeline of a newcomer issue", f"""
INSERT INTO issue_timeline (issue_id, seq, kind, at, login, association, body, pr_number, pr_state, will_close)
VALUES (100, 0, 'comment', {T + 3600}, 'bob', 'MEMBER', 'I can mentor', NULL, NULL, 0),
       (100, 1, 'cross_reference', {T + DAY}, 'alice', 'CONTRIBUTOR', NULL, 2, 'open', 1),
       (999, 0, 'comment', {T}, 'nobody', 'NONE', 'issue unknown', NULL, NULL, 0);
"""),
    ("upsert of the same issues (no rollup mark; newcomer marks by UPDATE OF)",
     f"INSERT INTO issues ({ISSUE_COLS}) VALUES\n" + ",\n".join(ISSUES) + ISSUE_UPSERT + ";"),
    ("title-only update (no mark at all)", "UPDATE issues SET title = 'renamed' WHERE id IN (100, 104);"),
    ("labels-only update (newcomer mark, no rollup mark)",
     "UPDATE issues SET labels = '[\"good first issue\",\"docs\"]' WHERE id = 104;"),
    ("close an issue", f"UPDATE issues SET state = 'closed', closed_at = {T + 5 * WEEK}, updated_at = {T + 5 * WEEK} WHERE id = 102;"),
    ("merge recorded on a known pull request (merger added)",
     f"UPDATE issues SET state = 'closed', merged_at = {T + 4 * WEEK}, merged_by_id = 11, closed_at = {T + 4 * WEEK} WHERE id = 103;"),
    ("another merger (old and new person)", "UPDATE issues SET merged_by_id = 10 WHERE id = 101;"),
    ("first response recorded", f"UPDATE issues SET first_response_at = {T + 2 * WEEK + DAY}, first_response_by = 11 WHERE id = 102;"),
    ("first maintainer response only (created mark only)", f"UPDATE issues SET first_maintainer_response_at = {T + 2 * WEEK + DAY} WHERE id = 102;"),
    ("new author of a pull request (its comments, reviews, review comments)", "UPDATE issues SET author_id = 10 WHERE id = 101;"),
    ("a review, review comment and comment synced before their pull request", f"""
INSERT INTO reviews (id, repo_id, pr_number, author_id, author_association, state, submitted_at)
VALUES (2003, 2, 6, 11, 'MEMBER', 'APPROVED', {T + 5 * WEEK});
INSERT INTO review_comments (id, repo_id, pr_number, review_id, author_id, author_association, created_at, updated_at)
VALUES (3002, 2, 6, 2003, 13, 'NONE', {T + 6 * WEEK}, {T + 6 * WEEK});
INSERT INTO comments (id, repo_id, issue_number, author_id, author_association, created_at, updated_at)
VALUES (1005, 2, 6, 12, 'OWNER', {T + 7 * WEEK}, {T + 7 * WEEK});
"""),
    ("move a pull request onto them", "UPDATE issues SET repo_id = 2, number = 6 WHERE id = 101;"),
    ("move an issue to another repository", "UPDATE issues SET repo_id = 2, number = 5 WHERE id = 100;"),
    ("reopen it", "UPDATE issues SET state = 'open', closed_at = NULL WHERE id = 100;"),
    ("remove its labels (newcomer mark from OLD.labels)", "UPDATE issues SET labels = '[]' WHERE id = 100;"),
    ("draft flag only (created mark only)", "UPDATE issues SET draft = 0 WHERE id = 103;"),
    ("ready for review", f"UPDATE issues SET ready_for_review_at = {T + 6 * WEEK} WHERE id = 103;"),
    ("comment: association changed", "UPDATE comments SET author_association = 'COLLABORATOR' WHERE id = 1000;"),
    ("comment: updated_at only (no mark)", f"UPDATE comments SET updated_at = {T + 7 * WEEK} WHERE id = 1001;"),
    ("comment moved to another issue and week", f"UPDATE comments SET issue_number = 3, created_at = {T + 5 * WEEK} WHERE id = 1002;"),
    ("comment author gone (NULL)", "UPDATE comments SET author_id = NULL WHERE id = 1001;"),
    ("comments of a repository shifted a week (multi-row update)", f"UPDATE comments SET created_at = created_at + {WEEK} WHERE repo_id = 1;"),
    ("comment upsert with a new author", f"""
INSERT INTO comments (id, repo_id, issue_number, author_id, author_association, created_at, updated_at)
VALUES (1003, 1, 3, 13, 'NONE', {T + 2 * WEEK + DAY}, {T + 8 * WEEK})
ON CONFLICT (id) DO UPDATE SET author_id = excluded.author_id, updated_at = excluded.updated_at;
"""),
    ("review submitted (NULL to a time)", f"UPDATE reviews SET state = 'COMMENTED', submitted_at = {T + 3 * WEEK} WHERE id = 2001;"),
    ("review state only", "UPDATE reviews SET state = 'DISMISSED' WHERE id = 2000;"),
    ("review comment: new review id only (no mark)", "UPDATE review_comments SET review_id = 2001 WHERE id = 3001;"),
    ("review comment: new author", "UPDATE review_comments SET author_id = 10 WHERE id = 3001;"),
    ("release published", f"UPDATE releases SET draft = 0, published_at = {T + 4 * WEEK} WHERE id = 4001;"),
    ("release renamed only (no mark)", "UPDATE releases SET name = 'Uno' WHERE id = 4000;"),
    ("contributor week: commits changed", "UPDATE contributor_weeks SET commits = 5 WHERE repo_id = 1 AND account_id = 10;"),
    ("contributor week: first commit moved",
     f"UPDATE contributor_weeks SET first_authored = {T + DAY} WHERE repo_id = 1 AND account_id = 10;"),
    ("contributor week: additions only (no mark)", "UPDATE contributor_weeks SET additions = 7 WHERE repo_id = 1 AND account_id = 11;"),
    ("account renamed", "UPDATE accounts SET login = 'alice2' WHERE id = 10;"),
    ("account flagged a bot", "UPDATE accounts SET is_bot = 1 WHERE id = 12;"),
    ("account display name only (no mark)", "UPDATE accounts SET name = 'Bobby' WHERE id = 11;"),
    ("account upsert with the same values (no mark)", """
INSERT INTO accounts (id, login, kind, name, is_bot) VALUES (12, 'carol', 'User', 'Carol', 1)
ON CONFLICT (id) DO UPDATE SET login = excluded.login, kind = excluded.kind, name = excluded.name, is_bot = excluded.is_bot;
"""),
    ("timeline replaced", f"""
DELETE FROM issue_timeline WHERE issue_id = 100;
INSERT INTO issue_timeline (issue_id, seq, kind, at, login, association, body, pr_number, pr_state, will_close)
VALUES (100, 0, 'assigned', {T + 2 * DAY}, 'carol', 'OWNER', NULL, NULL, NULL, 0);
"""),
    ("delete a comment, a review, a review comment, a release, a contributor week", """
DELETE FROM comments WHERE id = 1004;
DELETE FROM reviews WHERE id = 2002;
DELETE FROM review_comments WHERE id = 3000;
DELETE FROM releases WHERE id = 4001;
DELETE FROM contributor_weeks WHERE repo_id = 2;
"""),
    ("delete a labelled issue and a merged pull request", "DELETE FROM issues WHERE id IN (104, 101);"),
    ("delete an issue whose labels are gone (no newcomer mark)", "DELETE FROM issues WHERE id = 100;"),
]

# What some steps must mark besides agreeing: 0 (nothing) or "+" (something), per mark table.
QUIET = {"rollup_dirty": 0, "newcomer_dirty": 0}
EXPECT = {
    "issues and pull requests (one multi-row insert)": {"rollup_dirty": "+", "newcomer_dirty": "+"},
    "comments": {"rollup_dirty": "+", "newcomer_dirty": 0},
    "timeline of a newcomer issue": {"rollup_dirty": 0, "newcomer_dirty": "+"},
    "upsert of the same issues (no rollup mark; newcomer marks by UPDATE OF)": {"rollup_dirty": 0, "newcomer_dirty": "+"},
    "title-only update (no mark at all)": QUIET,
    "labels-only update (newcomer mark, no rollup mark)": {"rollup_dirty": 0, "newcomer_dirty": "+"},
    "close an issue": {"rollup_dirty": "+", "newcomer_dirty": 0},
    "new author of a pull request (its comments, reviews, review comments)": {"rollup_dirty": "+"},
    "move a pull request onto them": {"rollup_dirty": "+", "newcomer_dirty": 0},
    "move an issue to another repository": {"rollup_dirty": "+", "newcomer_dirty": "+"},
    "draft flag only (created mark only)": {"rollup_dirty": "+", "newcomer_dirty": 0},
    "remove its labels (newcomer mark from OLD.labels)": {"newcomer_dirty": "+"},
    "comment: updated_at only (no mark)": QUIET,
    "review comment: new review id only (no mark)": QUIET,
    "release renamed only (no mark)": QUIET,
    "contributor week: additions only (no mark)": QUIET,
    "account renamed": {"rollup_dirty": "+"},
    "account display name only (no mark)": QUIET,
    "account upsert with the same values (no mark)": QUIET,
    "delete an issue whose labels are gone (no newcomer mark)": {"rollup_dirty": "+", "newcomer_dirty": 0},
}

CLEAR_MARKS = "".join(f"DELETE FROM {t};\n" for t in MARK_TABLES)


def lite_value(v):
    if v is None:
        return None
    if isinstance(v, bytes):
        return "\\x" + v.hex()
    return str(v)


def sort_rows(rows):
    return sorted(rows, key=lambda r: tuple((v is None, v or "") for v in r))


def run_workload(lite, pg, tables):
    """Runs the steps on both; returns (differences, marks compared, steps)."""
    diffs, marks = [], 0
    queries = {t: f"SELECT * FROM {t}" for t in tables}
    unknown = set(EXPECT) - {name for name, _ in STEPS}
    if unknown:
        raise SetupError(f"EXPECT names no step: {sorted(unknown)}")
    for number, (name, sql) in enumerate(STEPS, 1):
        try:
            lite.executescript(sql)
        except sqlite3.Error as e:
            raise SetupError(f"step {number} ({name}) failed on SQLite: {e}")
        got_pg = pg.dump(sql, queries)
        for table in tables:
            a = sort_rows([tuple(lite_value(v) for v in r) for r in lite.execute(f"SELECT * FROM {table}")])
            b = sort_rows(got_pg[table])
            if table in MARK_TABLES:
                marks += len(a)
                want = EXPECT.get(name, {}).get(table)
                if (want == 0 and (a or b)) or (want == "+" and not (a and b)):
                    diffs.append(
                        f"step {number} ({name}): {table} should have "
                        f"{'no marks' if want == 0 else 'marks'}; SQLite {a}, PostgreSQL {b}"
                    )
            if a != b:
                only_a = [r for r in a if r not in b]
                only_b = [r for r in b if r not in a]
                diffs.append(
                    f"step {number} ({name}): {table} differs\n"
                    f"  only in SQLite:     {only_a}\n  only in PostgreSQL: {only_b}"
                )
        lite.executescript(CLEAR_MARKS)
        pg.run(CLEAR_MARKS)
    return diffs, marks, len(STEPS)


# ---------------------------------------------------------------------------------------------


def main(argv):
    keep = "--keep" in argv[1:]
    unknown = [a for a in argv[1:] if a != "--keep"]
    if unknown:
        print(f"schema-parity: unknown argument {unknown[0]}\n{__doc__}", file=sys.stderr)
        return 2
    url = os.environ.get("UPKEEP_TEST_POSTGRES_URL")
    if not url:
        print("schema-parity: UPKEEP_TEST_POSTGRES_URL is not set (`.ci/postgres.sh start` prints it)", file=sys.stderr)
        return 2
    # The SQLite set is migrations/*.sql, or migrations/sqlite/*.sql once it moves there.
    lite_dir = os.path.join(ROOT, "migrations", "sqlite")
    if not os.path.isdir(lite_dir):
        lite_dir = os.path.join(ROOT, "migrations")
    lite_files = sorted(glob.glob(os.path.join(lite_dir, "*.sql")))
    pg_files = sorted(glob.glob(os.path.join(ROOT, "migrations", "postgres", "*.sql")))
    lite_names = [os.path.basename(f) for f in lite_files]
    pg_names = [os.path.basename(f) for f in pg_files]
    if lite_names != pg_names:
        print("schema-parity: the migrations differ by name", file=sys.stderr)
        print(f"  only in migrations/:          {sorted(set(lite_names) - set(pg_names))}", file=sys.stderr)
        print(f"  only in migrations/postgres/: {sorted(set(pg_names) - set(lite_names))}", file=sys.stderr)
        return 1

    psql = find_psql()
    admin = Pg(psql, url)
    scratch = f"upkeep_parity_{os.getpid()}"
    workdir = tempfile.mkdtemp(prefix="upkeep-parity.")
    lite_path = os.path.join(workdir, "parity.db")
    created = False
    try:
        admin.run(f"CREATE DATABASE {scratch} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C';")
        created = True
        pg = Pg(psql, scratch_url(url, scratch))
        lite = sqlite3.connect(lite_path, isolation_level=None)
        for path in lite_files:
            try:
                lite.executescript(open(path, encoding="utf-8").read())
            except sqlite3.Error as e:
                raise SetupError(f"{os.path.relpath(path, ROOT)} failed on SQLite: {e}")
        for path in pg_files:
            # As sqlx runs a migration: the whole file in one transaction.
            pg.run("BEGIN;\n" + open(path, encoding="utf-8").read() + "\nCOMMIT;\n")

        lite_cat, pg_cat = sqlite_catalog(lite), pg_catalog(pg)
        diffs = compare_catalogs(lite_cat, pg_cat)
        if diffs:
            print(f"schema-parity: the catalogs differ ({len(diffs)}):", file=sys.stderr)
            for d in diffs:
                print("  " + d.replace("\n", "\n  "), file=sys.stderr)
            return 1
        n_cols = sum(len(c) for c in lite_cat["tables"].values())
        print(
            f"catalog: {len(lite_names)} migrations, {len(lite_cat['tables'])} tables, {n_cols} columns, "
            f"{len(lite_cat['indexes'])} indexes, {len(lite_cat['triggers'])} triggers agree"
        )

        tables = sorted(lite_cat["tables"])
        diffs, marks, steps = run_workload(lite, pg, tables)
        if diffs:
            print(f"schema-parity: the workload's results differ ({len(diffs)}):", file=sys.stderr)
            for d in diffs:
                print("  " + d, file=sys.stderr)
            return 1
        if marks == 0:
            print("schema-parity: the workload made no trigger marks: the triggers were not exercised", file=sys.stderr)
            return 1
        print(f"workload: {steps} steps, {marks} trigger marks and every table equal after each step")
        return 0
    except SetupError as e:
        print(f"schema-parity: {e}", file=sys.stderr)
        return 2
    finally:
        if keep:
            print(f"kept: SQLite {lite_path}, PostgreSQL {scratch_url(url, scratch)}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
            if created:
                try:
                    admin.run(f"DROP DATABASE IF EXISTS {scratch};")
                except SetupError as e:
                    print(f"schema-parity: could not drop {scratch}: {e}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
