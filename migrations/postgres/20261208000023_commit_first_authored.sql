-- A person's first commit of a week, to the second. `repo_people.first_at` counted a commit from
-- the Sunday its week starts (all `contributor_weeks` knew), so a first-timer whose commit landed
-- later in the week of their first pull request seemed to have contributed before it, and that
-- pull request stopped being a first-timer's. NULL until the week is counted again; readers fall
-- back to the week's start.
ALTER TABLE contributor_weeks ADD COLUMN first_authored BIGINT;

-- A changed first commit changes the person's first contribution: the week and the person are
-- rebuilt, as for a changed count (the function, contributor_weeks_dirty_update(), is unchanged).
DROP TRIGGER contributor_weeks_dirty_update ON contributor_weeks;
CREATE TRIGGER contributor_weeks_dirty_update AFTER UPDATE ON contributor_weeks FOR EACH ROW
    WHEN ((OLD.repo_id, OLD.account_id, OLD.week, OLD.commits, OLD.first_authored)
     IS DISTINCT FROM (NEW.repo_id, NEW.account_id, NEW.week, NEW.commits, NEW.first_authored))
    EXECUTE FUNCTION contributor_weeks_dirty_update();

-- Every week counted so far, from its commits, weeks as `db::commits` counts them (the trigger
-- above marks them for the next sync's rollups).
UPDATE contributor_weeks SET first_authored = f.first
FROM (SELECT repo_id, author_id, ((authored_at / 86400 + 4) / 7 * 7 - 4) * 86400 AS week, MIN(authored_at) AS first
      FROM commits WHERE author_id IS NOT NULL GROUP BY repo_id, author_id, ((authored_at / 86400 + 4) / 7 * 7 - 4) * 86400) AS f
WHERE contributor_weeks.repo_id = f.repo_id AND contributor_weeks.account_id = f.author_id
  AND contributor_weeks.week = f.week;
