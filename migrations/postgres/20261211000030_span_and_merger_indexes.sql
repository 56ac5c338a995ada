-- Two indexes the incremental rollups read through, so a re-sync's cost follows what changed
-- rather than the repository's history:
-- - the `spans` slice's open row (`db::slices`): issues open, or closed without a time, which
--   otherwise meant reading every issue of the repository on each change;
-- - a person's merges (`db::rollups`, `repo_people` recounted for some people): looked up by the
--   merger instead of reading every merged pull request of the repository per recount.
CREATE INDEX issues_span_open ON issues (repo_id) WHERE state <> 'closed' OR closed_at IS NULL;
CREATE INDEX issues_merged_by ON issues (merged_by_id, merged_at) WHERE merged_by_id IS NOT NULL;
