-- (The inserts say ON CONFLICT DO NOTHING, not INSERT OR IGNORE: inside a trigger fired by an
-- upsert, SQLite applies the outer statement's conflict policy to OR IGNORE.)
--
-- Incremental rollups: which parts of a repository's rollups and week slices the rows written
-- since its last rollup touched, recorded by triggers so that every write path (upserts, moves
-- between repositories, deletions) is seen with its old and its new values. The rollup step
-- rebuilds only those weeks and people, then clears the repository's rows (src/db/rollups.rs).
--
-- part    | key        | what it dirties
-- event   | week       | contributions and flow counted in that week (repo_weeks, person_weeks, the `people` slice)
-- created | week       | items created that week whose slice columns changed (`items`, `prs` slices)
-- closed  | week       | items closed that week, before or after the change (`closed`, `prs_closed`, `spans`)
-- person  | account id | that person's totals in the repository (repo_people), from a changed or
--         |            | deleted row: recounted from all their rows
-- added   | account id | the same from new rows only (and changed commit counts): their totals
--         |            | are brought up to date from the dirty weeks' rows
-- account | account id | a renamed account or changed bot flag: the repository is rebuilt whole
CREATE TABLE rollup_dirty (
    repo_id INTEGER NOT NULL,
    part    TEXT    NOT NULL,
    key     INTEGER NOT NULL,
    PRIMARY KEY (repo_id, part, key)
) WITHOUT ROWID;

-- Indexes for rebuilding single weeks.
CREATE INDEX issues_repo_merged ON issues (repo_id, merged_at) WHERE merged_at IS NOT NULL;
CREATE INDEX issues_repo_first_response ON issues (repo_id, first_response_at) WHERE first_response_at IS NOT NULL;
CREATE INDEX review_comments_repo_created ON review_comments (repo_id, created_at);

-- Issues and pull requests: an update dirties only the parts whose columns changed (a new
-- first response to an old item dirties its creation week's slices, not that week's counts).
-- A merge recorded on a known pull request only adds to its merger's totals.
CREATE TRIGGER issues_dirty_insert AFTER INSERT ON issues BEGIN
    INSERT INTO rollup_dirty (repo_id, part, key)
    SELECT NEW.repo_id, part, key FROM (
        SELECT 'event' AS part, (NEW.created_at - ((NEW.created_at - 259200) % 604800)) AS key
        UNION ALL SELECT 'event' AS part, (NEW.merged_at - ((NEW.merged_at - 259200) % 604800)) AS key
        UNION ALL SELECT 'event' AS part, (NEW.first_response_at - ((NEW.first_response_at - 259200) % 604800)) AS key
        UNION ALL SELECT 'created' AS part, (NEW.created_at - ((NEW.created_at - 259200) % 604800)) AS key
        UNION ALL SELECT 'closed' AS part, (NEW.closed_at - ((NEW.closed_at - 259200) % 604800)) AS key
        UNION ALL SELECT 'added' AS part, NEW.author_id AS key
        UNION ALL SELECT 'added' AS part, NEW.merged_by_id AS key
    ) WHERE key IS NOT NULL
    ON CONFLICT DO NOTHING;
END;

CREATE TRIGGER issues_dirty_delete AFTER DELETE ON issues BEGIN
    INSERT INTO rollup_dirty (repo_id, part, key)
    SELECT OLD.repo_id, part, key FROM (
        SELECT 'event' AS part, (OLD.created_at - ((OLD.created_at - 259200) % 604800)) AS key
        UNION ALL SELECT 'event' AS part, (OLD.merged_at - ((OLD.merged_at - 259200) % 604800)) AS key
        UNION ALL SELECT 'event' AS part, (OLD.first_response_at - ((OLD.first_response_at - 259200) % 604800)) AS key
        UNION ALL SELECT 'created' AS part, (OLD.created_at - ((OLD.created_at - 259200) % 604800)) AS key
        UNION ALL SELECT 'closed' AS part, (OLD.closed_at - ((OLD.closed_at - 259200) % 604800)) AS key
        UNION ALL SELECT 'person' AS part, OLD.author_id AS key
        UNION ALL SELECT 'person' AS part, OLD.merged_by_id AS key
    ) WHERE key IS NOT NULL
    ON CONFLICT DO NOTHING;
END;

CREATE TRIGGER issues_dirty_update AFTER UPDATE ON issues
    WHEN (OLD.repo_id, OLD.number, OLD.created_at, OLD.closed_at, OLD.merged_at, OLD.state, OLD.is_pull_request, OLD.author_id, OLD.merged_by_id, OLD.first_response_at, OLD.first_response_by, OLD.first_maintainer_response_at, OLD.first_community_response_at, OLD.first_bot_response_at, OLD.ready_for_review_at, OLD.draft, OLD.author_association)
     IS NOT (NEW.repo_id, NEW.number, NEW.created_at, NEW.closed_at, NEW.merged_at, NEW.state, NEW.is_pull_request, NEW.author_id, NEW.merged_by_id, NEW.first_response_at, NEW.first_response_by, NEW.first_maintainer_response_at, NEW.first_community_response_at, NEW.first_bot_response_at, NEW.ready_for_review_at, NEW.draft, NEW.author_association)
BEGIN
    INSERT INTO rollup_dirty (repo_id, part, key)
    SELECT OLD.repo_id, part, key FROM (
        SELECT 'event' AS part, (OLD.created_at - ((OLD.created_at - 259200) % 604800)) AS key WHERE (OLD.repo_id, OLD.created_at, OLD.author_id, OLD.is_pull_request) IS NOT (NEW.repo_id, NEW.created_at, NEW.author_id, NEW.is_pull_request)
        UNION ALL SELECT 'event' AS part, (OLD.merged_at - ((OLD.merged_at - 259200) % 604800)) AS key WHERE (OLD.repo_id, OLD.merged_at, OLD.author_id, OLD.merged_by_id) IS NOT (NEW.repo_id, NEW.merged_at, NEW.author_id, NEW.merged_by_id)
        UNION ALL SELECT 'event' AS part, (OLD.first_response_at - ((OLD.first_response_at - 259200) % 604800)) AS key WHERE (OLD.repo_id, OLD.first_response_at, OLD.first_response_by) IS NOT (NEW.repo_id, NEW.first_response_at, NEW.first_response_by)
        UNION ALL SELECT 'created' AS part, (OLD.created_at - ((OLD.created_at - 259200) % 604800)) AS key
        UNION ALL SELECT 'closed' AS part, (OLD.closed_at - ((OLD.closed_at - 259200) % 604800)) AS key WHERE (OLD.repo_id, OLD.closed_at, OLD.state, OLD.is_pull_request, OLD.merged_at, OLD.created_at, OLD.author_id) IS NOT (NEW.repo_id, NEW.closed_at, NEW.state, NEW.is_pull_request, NEW.merged_at, NEW.created_at, NEW.author_id)
        UNION ALL SELECT 'person' AS part, OLD.author_id AS key WHERE (OLD.repo_id, OLD.author_id, OLD.author_association, OLD.created_at) IS NOT (NEW.repo_id, NEW.author_id, NEW.author_association, NEW.created_at)
        UNION ALL SELECT 'person' AS part, OLD.merged_by_id AS key WHERE (OLD.repo_id, OLD.merged_by_id, OLD.merged_at) IS NOT (NEW.repo_id, NEW.merged_by_id, NEW.merged_at)
    ) WHERE key IS NOT NULL
    ON CONFLICT DO NOTHING;
    INSERT INTO rollup_dirty (repo_id, part, key)
    SELECT NEW.repo_id, part, key FROM (
        SELECT 'event' AS part, (NEW.created_at - ((NEW.created_at - 259200) % 604800)) AS key WHERE (OLD.repo_id, OLD.created_at, OLD.author_id, OLD.is_pull_request) IS NOT (NEW.repo_id, NEW.created_at, NEW.author_id, NEW.is_pull_request)
        UNION ALL SELECT 'event' AS part, (NEW.merged_at - ((NEW.merged_at - 259200) % 604800)) AS key WHERE (OLD.repo_id, OLD.merged_at, OLD.author_id, OLD.merged_by_id) IS NOT (NEW.repo_id, NEW.merged_at, NEW.author_id, NEW.merged_by_id)
        UNION ALL SELECT 'event' AS part, (NEW.first_response_at - ((NEW.first_response_at - 259200) % 604800)) AS key WHERE (OLD.repo_id, OLD.first_response_at, OLD.first_response_by) IS NOT (NEW.repo_id, NEW.first_response_at, NEW.first_response_by)
        UNION ALL SELECT 'created' AS part, (NEW.created_at - ((NEW.created_at - 259200) % 604800)) AS key
        UNION ALL SELECT 'closed' AS part, (NEW.closed_at - ((NEW.closed_at - 259200) % 604800)) AS key WHERE (OLD.repo_id, OLD.closed_at, OLD.state, OLD.is_pull_request, OLD.merged_at, OLD.created_at, OLD.author_id) IS NOT (NEW.repo_id, NEW.closed_at, NEW.state, NEW.is_pull_request, NEW.merged_at, NEW.created_at, NEW.author_id)
        UNION ALL SELECT 'person' AS part, NEW.author_id AS key WHERE (OLD.repo_id, OLD.author_id, OLD.author_association, OLD.created_at) IS NOT (NEW.repo_id, NEW.author_id, NEW.author_association, NEW.created_at)
        UNION ALL SELECT CASE WHEN OLD.merged_by_id IS NULL THEN 'added' ELSE 'person' END AS part, NEW.merged_by_id AS key WHERE (OLD.repo_id, OLD.merged_by_id, OLD.merged_at) IS NOT (NEW.repo_id, NEW.merged_by_id, NEW.merged_at)
    ) WHERE key IS NOT NULL
    ON CONFLICT DO NOTHING;
END;

-- A new author or number changes how the item's comments, reviews and review comments count
-- (a reply by the author is no response): their weeks and people are dirtied too.
CREATE TRIGGER issues_dirty_author AFTER UPDATE ON issues
    WHEN (OLD.repo_id, OLD.number, OLD.author_id) IS NOT (NEW.repo_id, NEW.number, NEW.author_id)
BEGIN

    INSERT INTO rollup_dirty (repo_id, part, key)
    SELECT repo_id, 'event', (created_at - ((created_at - 259200) % 604800)) FROM comments WHERE repo_id = OLD.repo_id AND issue_number = OLD.number AND created_at IS NOT NULL
    UNION ALL SELECT repo_id, 'person', author_id FROM comments WHERE repo_id = OLD.repo_id AND issue_number = OLD.number AND author_id IS NOT NULL
    ON CONFLICT DO NOTHING;

    INSERT INTO rollup_dirty (repo_id, part, key)
    SELECT repo_id, 'event', (submitted_at - ((submitted_at - 259200) % 604800)) FROM reviews WHERE repo_id = OLD.repo_id AND pr_number = OLD.number AND submitted_at IS NOT NULL
    UNION ALL SELECT repo_id, 'person', author_id FROM reviews WHERE repo_id = OLD.repo_id AND pr_number = OLD.number AND author_id IS NOT NULL
    ON CONFLICT DO NOTHING;

    INSERT INTO rollup_dirty (repo_id, part, key)
    SELECT repo_id, 'event', (created_at - ((created_at - 259200) % 604800)) FROM review_comments WHERE repo_id = OLD.repo_id AND pr_number = OLD.number AND created_at IS NOT NULL
    UNION ALL SELECT repo_id, 'person', author_id FROM review_comments WHERE repo_id = OLD.repo_id AND pr_number = OLD.number AND author_id IS NOT NULL
    ON CONFLICT DO NOTHING;

    INSERT INTO rollup_dirty (repo_id, part, key)
    SELECT repo_id, 'event', (created_at - ((created_at - 259200) % 604800)) FROM comments WHERE repo_id = NEW.repo_id AND issue_number = NEW.number AND created_at IS NOT NULL
    UNION ALL SELECT repo_id, 'person', author_id FROM comments WHERE repo_id = NEW.repo_id AND issue_number = NEW.number AND author_id IS NOT NULL
    ON CONFLICT DO NOTHING;

    INSERT INTO rollup_dirty (repo_id, part, key)
    SELECT repo_id, 'event', (submitted_at - ((submitted_at - 259200) % 604800)) FROM reviews WHERE repo_id = NEW.repo_id AND pr_number = NEW.number AND submitted_at IS NOT NULL
    UNION ALL SELECT repo_id, 'person', author_id FROM reviews WHERE repo_id = NEW.repo_id AND pr_number = NEW.number AND author_id IS NOT NULL
    ON CONFLICT DO NOTHING;

    INSERT INTO rollup_dirty (repo_id, part, key)
    SELECT repo_id, 'event', (created_at - ((created_at - 259200) % 604800)) FROM review_comments WHERE repo_id = NEW.repo_id AND pr_number = NEW.number AND created_at IS NOT NULL
    UNION ALL SELECT repo_id, 'person', author_id FROM review_comments WHERE repo_id = NEW.repo_id AND pr_number = NEW.number AND author_id IS NOT NULL
    ON CONFLICT DO NOTHING;

END;

CREATE TRIGGER comments_dirty_insert AFTER INSERT ON comments BEGIN
    INSERT INTO rollup_dirty (repo_id, part, key)
    SELECT NEW.repo_id, part, key FROM (
        SELECT 'event' AS part, (NEW.created_at - ((NEW.created_at - 259200) % 604800)) AS key
        UNION ALL SELECT 'added', NEW.author_id
    ) WHERE key IS NOT NULL
    ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER comments_dirty_delete AFTER DELETE ON comments BEGIN
    INSERT INTO rollup_dirty (repo_id, part, key)
    SELECT OLD.repo_id, part, key FROM (
        SELECT 'event' AS part, (OLD.created_at - ((OLD.created_at - 259200) % 604800)) AS key
        UNION ALL SELECT 'person', OLD.author_id
    ) WHERE key IS NOT NULL
    ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER comments_dirty_update AFTER UPDATE ON comments
    WHEN (OLD.repo_id, OLD.issue_number, OLD.author_id, OLD.author_association, OLD.created_at)
     IS NOT (NEW.repo_id, NEW.issue_number, NEW.author_id, NEW.author_association, NEW.created_at)
BEGIN
    INSERT INTO rollup_dirty (repo_id, part, key)
    SELECT OLD.repo_id, part, key FROM (
        SELECT 'event' AS part, (OLD.created_at - ((OLD.created_at - 259200) % 604800)) AS key
        UNION ALL SELECT 'person', OLD.author_id
    ) WHERE key IS NOT NULL
    ON CONFLICT DO NOTHING;
    INSERT INTO rollup_dirty (repo_id, part, key)
    SELECT NEW.repo_id, part, key FROM (
        SELECT 'event' AS part, (NEW.created_at - ((NEW.created_at - 259200) % 604800)) AS key
        UNION ALL SELECT 'person', NEW.author_id
    ) WHERE key IS NOT NULL
    ON CONFLICT DO NOTHING;
END;

CREATE TRIGGER reviews_dirty_insert AFTER INSERT ON reviews BEGIN
    INSERT INTO rollup_dirty (repo_id, part, key)
    SELECT NEW.repo_id, part, key FROM (
        SELECT 'event' AS part, (NEW.submitted_at - ((NEW.submitted_at - 259200) % 604800)) AS key
        UNION ALL SELECT 'added', NEW.author_id
    ) WHERE key IS NOT NULL
    ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER reviews_dirty_delete AFTER DELETE ON reviews BEGIN
    INSERT INTO rollup_dirty (repo_id, part, key)
    SELECT OLD.repo_id, part, key FROM (
        SELECT 'event' AS part, (OLD.submitted_at - ((OLD.submitted_at - 259200) % 604800)) AS key
        UNION ALL SELECT 'person', OLD.author_id
    ) WHERE key IS NOT NULL
    ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER reviews_dirty_update AFTER UPDATE ON reviews
    WHEN (OLD.repo_id, OLD.pr_number, OLD.author_id, OLD.author_association, OLD.state, OLD.submitted_at)
     IS NOT (NEW.repo_id, NEW.pr_number, NEW.author_id, NEW.author_association, NEW.state, NEW.submitted_at)
BEGIN
    INSERT INTO rollup_dirty (repo_id, part, key)
    SELECT OLD.repo_id, part, key FROM (
        SELECT 'event' AS part, (OLD.submitted_at - ((OLD.submitted_at - 259200) % 604800)) AS key
        UNION ALL SELECT 'person', OLD.author_id
    ) WHERE key IS NOT NULL
    ON CONFLICT DO NOTHING;
    INSERT INTO rollup_dirty (repo_id, part, key)
    SELECT NEW.repo_id, part, key FROM (
        SELECT 'event' AS part, (NEW.submitted_at - ((NEW.submitted_at - 259200) % 604800)) AS key
        UNION ALL SELECT 'person', NEW.author_id
    ) WHERE key IS NOT NULL
    ON CONFLICT DO NOTHING;
END;

CREATE TRIGGER review_comments_dirty_insert AFTER INSERT ON review_comments BEGIN
    INSERT INTO rollup_dirty (repo_id, part, key)
    SELECT NEW.repo_id, part, key FROM (
        SELECT 'event' AS part, (NEW.created_at - ((NEW.created_at - 259200) % 604800)) AS key
        UNION ALL SELECT 'added', NEW.author_id
    ) WHERE key IS NOT NULL
    ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER review_comments_dirty_delete AFTER DELETE ON review_comments BEGIN
    INSERT INTO rollup_dirty (repo_id, part, key)
    SELECT OLD.repo_id, part, key FROM (
        SELECT 'event' AS part, (OLD.created_at - ((OLD.created_at - 259200) % 604800)) AS key
        UNION ALL SELECT 'person', OLD.author_id
    ) WHERE key IS NOT NULL
    ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER review_comments_dirty_update AFTER UPDATE ON review_comments
    WHEN (OLD.repo_id, OLD.pr_number, OLD.author_id, OLD.author_association, OLD.created_at)
     IS NOT (NEW.repo_id, NEW.pr_number, NEW.author_id, NEW.author_association, NEW.created_at)
BEGIN
    INSERT INTO rollup_dirty (repo_id, part, key)
    SELECT OLD.repo_id, part, key FROM (
        SELECT 'event' AS part, (OLD.created_at - ((OLD.created_at - 259200) % 604800)) AS key
        UNION ALL SELECT 'person', OLD.author_id
    ) WHERE key IS NOT NULL
    ON CONFLICT DO NOTHING;
    INSERT INTO rollup_dirty (repo_id, part, key)
    SELECT NEW.repo_id, part, key FROM (
        SELECT 'event' AS part, (NEW.created_at - ((NEW.created_at - 259200) % 604800)) AS key
        UNION ALL SELECT 'person', NEW.author_id
    ) WHERE key IS NOT NULL
    ON CONFLICT DO NOTHING;
END;

CREATE TRIGGER releases_dirty_insert AFTER INSERT ON releases BEGIN
    INSERT INTO rollup_dirty (repo_id, part, key)
    SELECT NEW.repo_id, part, key FROM (
        SELECT 'event' AS part, (COALESCE(NEW.published_at, NEW.created_at) - ((COALESCE(NEW.published_at, NEW.created_at) - 259200) % 604800)) AS key
    ) WHERE key IS NOT NULL
    ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER releases_dirty_delete AFTER DELETE ON releases BEGIN
    INSERT INTO rollup_dirty (repo_id, part, key)
    SELECT OLD.repo_id, part, key FROM (
        SELECT 'event' AS part, (COALESCE(OLD.published_at, OLD.created_at) - ((COALESCE(OLD.published_at, OLD.created_at) - 259200) % 604800)) AS key
    ) WHERE key IS NOT NULL
    ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER releases_dirty_update AFTER UPDATE ON releases
    WHEN (OLD.repo_id, OLD.draft, OLD.created_at, OLD.published_at)
     IS NOT (NEW.repo_id, NEW.draft, NEW.created_at, NEW.published_at)
BEGIN
    INSERT INTO rollup_dirty (repo_id, part, key)
    SELECT OLD.repo_id, part, key FROM (
        SELECT 'event' AS part, (COALESCE(OLD.published_at, OLD.created_at) - ((COALESCE(OLD.published_at, OLD.created_at) - 259200) % 604800)) AS key
    ) WHERE key IS NOT NULL
    ON CONFLICT DO NOTHING;
    INSERT INTO rollup_dirty (repo_id, part, key)
    SELECT NEW.repo_id, part, key FROM (
        SELECT 'event' AS part, (COALESCE(NEW.published_at, NEW.created_at) - ((COALESCE(NEW.published_at, NEW.created_at) - 259200) % 604800)) AS key
    ) WHERE key IS NOT NULL
    ON CONFLICT DO NOTHING;
END;

CREATE TRIGGER contributor_weeks_dirty_insert AFTER INSERT ON contributor_weeks BEGIN
    INSERT INTO rollup_dirty (repo_id, part, key)
    SELECT NEW.repo_id, part, key FROM (
        SELECT 'event' AS part, (NEW.week - ((NEW.week - 259200) % 604800)) AS key
        UNION ALL SELECT 'added', NEW.account_id
    ) WHERE key IS NOT NULL
    ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER contributor_weeks_dirty_delete AFTER DELETE ON contributor_weeks BEGIN
    INSERT INTO rollup_dirty (repo_id, part, key)
    SELECT OLD.repo_id, part, key FROM (
        SELECT 'event' AS part, (OLD.week - ((OLD.week - 259200) % 604800)) AS key
        UNION ALL SELECT 'person', OLD.account_id
    ) WHERE key IS NOT NULL
    ON CONFLICT DO NOTHING;
END;
CREATE TRIGGER contributor_weeks_dirty_update AFTER UPDATE ON contributor_weeks
    WHEN (OLD.repo_id, OLD.account_id, OLD.week, OLD.commits)
     IS NOT (NEW.repo_id, NEW.account_id, NEW.week, NEW.commits)
BEGIN
    INSERT INTO rollup_dirty (repo_id, part, key)
    SELECT OLD.repo_id, part, key FROM (
        SELECT 'event' AS part, (OLD.week - ((OLD.week - 259200) % 604800)) AS key
        UNION ALL SELECT 'added', OLD.account_id
    ) WHERE key IS NOT NULL
    ON CONFLICT DO NOTHING;
    INSERT INTO rollup_dirty (repo_id, part, key)
    SELECT NEW.repo_id, part, key FROM (
        SELECT 'event' AS part, (NEW.week - ((NEW.week - 259200) % 604800)) AS key
        UNION ALL SELECT 'added', NEW.account_id
    ) WHERE key IS NOT NULL
    ON CONFLICT DO NOTHING;
END;

-- A renamed account or a changed bot flag changes rows in every slice it appears in.
CREATE TRIGGER accounts_dirty_update AFTER UPDATE ON accounts
    WHEN (OLD.login, OLD.is_bot) IS NOT (NEW.login, NEW.is_bot)
BEGIN
    INSERT INTO rollup_dirty (repo_id, part, key)
    SELECT repo_id, 'account', account_id FROM repo_people WHERE account_id = NEW.id
    ON CONFLICT DO NOTHING;
END;
