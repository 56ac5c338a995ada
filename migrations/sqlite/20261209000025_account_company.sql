-- GitHub profile `company` (issue #15): a free-text, undated hint of a person's organisation,
-- used only where no dated affiliation covers a day ("profile (undated)" on the pages). Asked
-- for the people the pages class (maintainers and contributors of commits, merged pull requests
-- or reviews), at most once per `[people] profile_refresh_days`; company_fetched_at is when it
-- was last asked (NULL: never), company is NULL when the profile names none.
ALTER TABLE accounts ADD COLUMN company TEXT;
ALTER TABLE accounts ADD COLUMN company_fetched_at INTEGER;
