-- GitHub Sponsors history per sponsorable login: the newest 100 public sponsorships, ended and
-- one-time ones included, so a first sync already shows how sponsors came and went. GitHub
-- gives no stable id for a sponsorship a third party can see, so a login's rows are replaced on
-- every fetch; seq is the position in GitHub's answer (newest first) and only breaks ties.
-- monthly_cents is the tier's price (a one-time payment's amount), NULL when the token may not
-- see tiers (anyone but the sponsored account).
CREATE TABLE sponsorships (
    login           TEXT    NOT NULL,
    created_at      BIGINT  NOT NULL,
    seq             BIGINT  NOT NULL,
    is_active       BIGINT  NOT NULL,
    one_time        BIGINT  NOT NULL DEFAULT 0,
    monthly_cents   BIGINT,
    fetched_at      BIGINT  NOT NULL,
    PRIMARY KEY (login, created_at, seq)
);
