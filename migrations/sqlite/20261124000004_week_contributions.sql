-- Human contributions per repository and week, kept in the weekly rollup so the lifecycle rule
-- reads a few hundred rows instead of every person's weeks.
ALTER TABLE repo_weeks ADD COLUMN contributions INTEGER NOT NULL DEFAULT 0;
