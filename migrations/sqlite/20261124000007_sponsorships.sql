-- GitHub Sponsors history per sponsorable login: the newest 100 public sponsorships, ended and
-- one-time ones included, so a first sync already shows how sponsors came and went. GitHub
-- gives no stable id for a sponsorship a third party can see, so a login's rows are replaced on
-- every fetch; seq is the position in GitHub's answer (newest first) and only breaks ties.
-- monthly_cents is the tier's price (a one-time payment's amount), NULL when the token may not
-- see tiers (anyone but the sponsored account).
CREATE TABLE sponsorships (
    login           TEXT    NOT NULL,
    created_at      INTEGER NOT NULL,
    seq             INTEGER NOT NULL,
    is_active       INTEGER NOT NULL,
    one_time        INTEGER NOT NULL DEFAULT 0,
    monthly_cents   INTEGER,
    fetched_at      INTEGER NOT NULL,
    PRIMARY KEY (login, created_at, seq)
) WITHOUT ROWID;
