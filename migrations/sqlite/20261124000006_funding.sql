-- Funding data: each repository's funding links and funding.json manifest (current state), and
-- time series of GitHub Sponsors and Open Collective snapshots, each with its source and the
-- time it was fetched. Amounts are integer cents beside their ISO 4217 currency.

-- A repository's `fundingLinks` (FUNDING.yml as GitHub parses it), in GitHub's order; replaced
-- whenever the links are fetched. Platforms GitHub adds later are kept as they come.
CREATE TABLE funding_links (
    repo_id     INTEGER NOT NULL,
    seq         INTEGER NOT NULL,
    platform    TEXT    NOT NULL,
    url         TEXT    NOT NULL,
    PRIMARY KEY (repo_id, seq)
) WITHOUT ROWID;

-- One point of a GitHub Sponsors series per sponsorable login. A new point is written when any
-- figure changed since the login's latest point; an unchanged fetch only moves that point's
-- last_seen_at, so the series holds change points, not one row per run.
-- recurring_monthly_cents is what the token can see: GitHub gives 0 to anyone but the
-- maintainer, so amounts_visible = 0 means "unknown", not "nothing".
CREATE TABLE sponsors_snapshots (
    login                   TEXT    NOT NULL,
    fetched_at              INTEGER NOT NULL,
    last_seen_at            INTEGER NOT NULL,
    source                  TEXT    NOT NULL DEFAULT 'github_sponsors',
    has_listing             INTEGER NOT NULL DEFAULT 0,
    listing_name            TEXT,
    goal_kind               TEXT,
    goal_target             INTEGER,
    goal_percent            INTEGER,
    goal_title              TEXT,
    -- JSON array of {"name", "monthly_cents", "one_time"}.
    tiers                   TEXT    NOT NULL DEFAULT '[]',
    sponsor_count           INTEGER NOT NULL DEFAULT 0,
    -- JSON array of the sponsors' logins the token can see (public ones without the maintainer's).
    sponsor_logins          TEXT    NOT NULL DEFAULT '[]',
    active_sponsorships     INTEGER NOT NULL DEFAULT 0,
    recurring_monthly_cents INTEGER NOT NULL DEFAULT 0,
    currency                TEXT    NOT NULL DEFAULT 'USD',
    amounts_visible         INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (login, fetched_at)
) WITHOUT ROWID;

-- The repository's funding.json as fetched: the raw text, the parsed document re-serialised
-- (unknown fields kept; NULL when it did not parse) and whether it had no error-level issue.
CREATE TABLE funding_manifests (
    repo_id     INTEGER PRIMARY KEY,
    url         TEXT    NOT NULL,
    raw         TEXT    NOT NULL,
    parsed      TEXT,
    valid       INTEGER NOT NULL DEFAULT 0
);

-- Every issue of a stored manifest, in document order. severity: error | warning; path is a
-- JSON path (`funding.plans[1].currency`), empty with line/column for text that is not JSON.
CREATE TABLE funding_manifest_issues (
    repo_id     INTEGER NOT NULL,
    seq         INTEGER NOT NULL,
    severity    TEXT    NOT NULL,
    path        TEXT    NOT NULL,
    message     TEXT    NOT NULL,
    line        INTEGER,
    col         INTEGER,
    PRIMARY KEY (repo_id, seq)
) WITHOUT ROWID;

-- Open Collective account figures, one point per change as for sponsors_snapshots.
CREATE TABLE open_collective_snapshots (
    slug                    TEXT    NOT NULL,
    fetched_at              INTEGER NOT NULL,
    last_seen_at            INTEGER NOT NULL,
    source                  TEXT    NOT NULL DEFAULT 'open_collective',
    name                    TEXT,
    currency                TEXT    NOT NULL,
    balance_cents           INTEGER NOT NULL,
    balance_currency        TEXT    NOT NULL,
    yearly_budget_cents     INTEGER NOT NULL,
    yearly_budget_currency  TEXT    NOT NULL,
    total_received_cents    INTEGER NOT NULL,
    total_received_currency TEXT    NOT NULL,
    transactions_total      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (slug, fetched_at)
) WITHOUT ROWID;

-- Credit transactions (money received). Open Collective's query gives no stable id here, so the
-- key is a hash of (slug, createdAt, amount, currency, from-account slug): refetching the
-- newest 100 upserts the same rows.
CREATE TABLE open_collective_transactions (
    slug            TEXT    NOT NULL,
    id              TEXT    NOT NULL,
    created_at      INTEGER NOT NULL,
    amount_cents    INTEGER NOT NULL,
    currency        TEXT    NOT NULL,
    from_slug       TEXT,
    from_name       TEXT,
    fetched_at      INTEGER NOT NULL,
    PRIMARY KEY (slug, id)
) WITHOUT ROWID;
